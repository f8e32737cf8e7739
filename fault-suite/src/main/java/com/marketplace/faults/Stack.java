package com.marketplace.faults;

import com.marketplace.harness.KafkaCluster;
import com.marketplace.harness.MariaDbServer;
import com.marketplace.kafka.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The processes of one scenario: a database of its own on the lab's MariaDB, a Kafka cluster, and
 * any number of gateway and streams-app processes, all on loopback ports. Everything is stopped
 * when the stack is closed.
 */
public final class Stack implements AutoCloseable {

    /** How long a gateway process may take to become ready (a cold JVM on a busy two-core machine). */
    private static final Duration READY = Duration.ofSeconds(120);

    private final Lab lab;
    private final String scenario;
    private final Path dir;
    private final String database;
    private final MariaDbServer mariadb;
    private final List<AutoCloseable> closeFirst = new ArrayList<>();
    /** Shared by every streams instance of the stack, as in a deployment: a statistic gathers every partition's part. */
    private final String instanceSecret = "fault-suite-" + UUID.randomUUID();
    private KafkaCluster kafka;

    Stack(Lab lab, String scenario, Path dir, String database) {
        this.lab = lab;
        this.scenario = scenario;
        this.dir = dir;
        this.database = database;
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.mariadb = lab.mariadb();
        mariadb.recreateDatabase(database);
    }

    public Scale scale() {
        return lab.scale();
    }

    public String scenario() {
        return scenario;
    }

    public Path dir() {
        return dir;
    }

    public MariaDbServer mariadb() {
        return mariadb;
    }

    /** A new connection to the scenario's database. */
    public Connection db() throws SQLException {
        return mariadb.connect(database);
    }

    /** Starts a Kafka cluster of {@code nodes} brokers. */
    public KafkaCluster kafka(int nodes) {
        if (kafka != null) {
            throw new IllegalStateException("the stack already has a Kafka cluster");
        }
        kafka = KafkaCluster.start(dir.resolve("kafka"), nodes, Map.of("num.partitions", "3"),
                List.of("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC"));
        return kafka;
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    /** Replication factor for the pipeline's topics: 3 on a cluster of three or more, else 1. */
    private String replication() {
        return kafka.size() >= 3 ? "3" : "1";
    }

    /**
     * The set-up most scenarios share: one broker, and an order-gateway process with the default
     * settings (relay on) named {@code gateway}, returned once it is ready.
     */
    public JarService readyGatewayOnOneBroker() {
        kafka(1);
        JarService gateway = gateway("gateway", Map.of());
        gateway.awaitReady(READY);
        return gateway;
    }

    /** A gateway and one streams instance of a stack, both ready. */
    public record Pipeline(JarService gateway, JarService streams) {
    }

    /**
     * The set-up of the scenarios that follow orders to the outputs: {@code brokers} brokers, an
     * order-gateway process with the default settings named {@code gateway}, and one streams-app
     * process named {@code streams} with {@code streamsEnv} added; returned once both are ready.
     */
    public Pipeline readyPipeline(int brokers, Map<String, String> streamsEnv) {
        kafka(brokers);
        JarService gateway = gateway("gateway", Map.of());
        JarService streams = streams("streams", streamsEnv);
        gateway.awaitReady(READY);
        streams.awaitReady(READY);
        return new Pipeline(gateway, streams);
    }

    /** Starts an order-gateway process on a free port; {@code extraEnv} adds to or overrides the defaults. */
    public JarService gateway(String name, Map<String, String> extraEnv) {
        int port = FreePorts.next();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
        env.put("DB_URL", mariadb.jdbcUrl(database));
        env.put("DB_USER", MariaDbServer.USER);
        env.put("DB_PASSWORD", MariaDbServer.PASSWORD);
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("TOPIC_PARTITIONS", "3");
        env.put("TOPIC_REPLICATION_FACTOR", replication());
        env.putAll(extraEnv);
        return track(new JarService(name, lab.gatewayJar(), port, env, dir).start());
    }

    /** Starts a streams-app process on a free port with a state directory of its own under the stack's directory. */
    public JarService streams(String name, Map<String, String> extraEnv) {
        int port = FreePorts.next();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("APPLICATION_SERVER", "127.0.0.1:" + port);
        env.put("STATE_DIR", stateDir(name).toString());
        env.put("TOPIC_PARTITIONS", "3");
        env.put("TOPIC_REPLICATION_FACTOR", replication());
        env.put("INSTANCE_SECRET", instanceSecret);
        env.putAll(extraEnv);
        return track(new JarService(name, lab.streamsJar(), port, env, dir).start());
    }

    /** The state directory of streams instance {@code name}. */
    public Path stateDir(String name) {
        return dir.resolve(name + "-state").toAbsolutePath();
    }

    /** A recorder of {@code topics}, started once they exist; closed with the stack. */
    public TopicRecorder record(List<String> topics) {
        TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), topics);
        recorder.start(); // one that fails to start has closed its consumer
        closeFirst.add(recorder);
        return recorder;
    }

    private <T extends AutoCloseable> T track(T resource) {
        closeFirst.add(resource);
        return resource;
    }

    @Override
    public void close() {
        for (int i = closeFirst.size() - 1; i >= 0; i--) {
            try {
                closeFirst.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Stack.class).warn("Could not close {}: {}", closeFirst.get(i), e.toString());
            }
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
