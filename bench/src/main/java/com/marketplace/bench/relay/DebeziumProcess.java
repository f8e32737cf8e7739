package com.marketplace.bench.relay;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.harness.MariaDbServer;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The Debezium baseline (module {@code bench-debezium}) as a process of its own, on Debezium's own
 * class path and Kafka version: the embedded engine with the MariaDB connector reading
 * {@code outbox_events} from the binlog, the Outbox Event Router (id {@code event_id}, key
 * {@code aggregate_id}, payload {@code payload}) routing every row to one topic, and an idempotent
 * {@code acks=all} producer with the relay's batching settings.
 */
final class DebeziumProcess implements AutoCloseable {

    static final String VERSION = "3.5.0.Final";
    private static final String ENGINE_NAME = "bench-outbox";

    private final ManagedProcess process;
    private final Path result;

    private DebeziumProcess(ManagedProcess process, Path result) {
        this.process = process;
        this.result = result;
    }

    /** Where a run keeps its engine state: offsets and schema history survive from one start to the next. */
    record State(Path offsets, Path history) {
        static State in(Path dir) {
            return new State(dir.resolve("offsets.dat"), dir.resolve("schema-history.dat"));
        }
    }

    /**
     * Starts the engine.
     *
     * @param count   stop after this many acknowledged records (0: run until closed)
     * @param warmup  records not timed
     * @param markers whether marker rows count (only when recording a start offset)
     */
    static DebeziumProcess start(BenchEnvironment env, Path dir, String name, MariaDbServer db, String database,
            String bootstrap, String topic, State state, long pollMillis, long count, long warmup, boolean markers)
            throws IOException {
        Properties p = new Properties();
        // the engine's name keys its stored offsets: the same for the run that records the start offset
        p.setProperty("engine.name", ENGINE_NAME);
        p.setProperty("engine.connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("engine.offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("engine.offset.storage.file.filename", state.offsets().toAbsolutePath().toString());
        p.setProperty("engine.offset.flush.interval.ms", markers ? "0" : "1000");
        p.setProperty("engine.database.hostname", "127.0.0.1");
        p.setProperty("engine.database.port", Integer.toString(db.port()));
        p.setProperty("engine.database.user", MariaDbServer.USER);
        p.setProperty("engine.database.password", MariaDbServer.PASSWORD);
        p.setProperty("engine.database.server.id", Integer.toString(5400 + (int) (ProcessHandle.current().pid() % 1000)));
        p.setProperty("engine.topic.prefix", "bench");
        p.setProperty("engine.database.include.list", database);
        p.setProperty("engine.table.include.list", database + ".outbox_events");
        p.setProperty("engine.include.schema.changes", "false");
        p.setProperty("engine.schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("engine.schema.history.internal.file.filename", state.history().toAbsolutePath().toString());
        p.setProperty("engine.snapshot.mode", "no_data");
        p.setProperty("engine.poll.interval.ms", Long.toString(pollMillis));
        p.setProperty("engine.transforms", "outbox");
        p.setProperty("engine.transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("engine.transforms.outbox.table.field.event.id", "event_id");
        p.setProperty("engine.transforms.outbox.table.field.event.key", "aggregate_id");
        p.setProperty("engine.transforms.outbox.table.field.event.payload", "payload");
        p.setProperty("engine.transforms.outbox.route.by.field", "event_type");
        p.setProperty("engine.transforms.outbox.route.topic.replacement", topic);
        p.setProperty("producer.bootstrap.servers", bootstrap);
        // the relay's producer settings (OutboxPublisher): no linger, batches of up to 128 KiB, no compression
        p.setProperty("producer.linger.ms", "0");
        p.setProperty("producer.batch.size", "131072");
        p.setProperty("producer.compression.type", "none");
        p.setProperty("producer.client.id", name);
        p.setProperty("bench.count", Long.toString(count));
        p.setProperty("bench.warmup", Long.toString(warmup));
        p.setProperty("bench.countMarkers", Boolean.toString(markers));
        Path result = dir.resolve(name + "-result.properties");
        Files.deleteIfExists(result);
        p.setProperty("bench.result", result.toAbsolutePath().toString());
        Path config = dir.resolve(name + ".properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "Debezium baseline " + name);
        }
        List<String> command = new ArrayList<>();
        command.add(JavaCommand.java());
        command.addAll(env.jvmOptions(dir, name));
        command.add("-cp");
        command.add(classPath(env));
        command.add("com.marketplace.bench.debezium.DebeziumOutboxRelay");
        command.add(config.toAbsolutePath().toString());
        return new DebeziumProcess(ManagedProcess.start(name, command, Map.of(), dir.resolve(name + ".log")), result);
    }

    private static String classPath(BenchEnvironment env) throws IOException {
        Path module = env.settings().jars().resolve("bench-debezium/target");
        return module.resolve("classes").toAbsolutePath() + ":" + Files.readString(module.resolve("classpath.txt")).trim();
    }

    ManagedProcess process() {
        return process;
    }

    /** Waits for the result the process writes when it has acknowledged its count; null on timeout or exit. */
    Properties awaitResult(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(result)) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(result)) {
                    p.load(r);
                }
                return p;
            }
            if (!process.isAlive()) {
                return null;
            }
            Thread.sleep(20);
        }
        return null;
    }

    boolean hasResult() {
        return Files.exists(result);
    }

    /** The busiest threads of a result, CPU seconds over the process's life, busiest first. */
    static Map<String, Double> threads(Properties result) {
        Map<String, Double> byCpu = new TreeMap<>();
        result.stringPropertyNames().stream().filter(n -> n.startsWith("thread."))
                .forEach(n -> byCpu.put(n.substring("thread.".length()), Double.parseDouble(result.getProperty(n))));
        return byCpu;
    }

    @Override
    public void close() {
        process.close();
    }
}
