package com.marketplace.bench.debezium;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium as an outbox relay, the peer the project's relay is compared with: the embedded engine
 * runs the MariaDB connector over the binlog, its Outbox Event Router turns each inserted outbox row
 * into a record, and every batch is published with an idempotent {@code acks=all} producer and
 * acknowledged before the engine may commit its offset — the delivery contract of a Kafka Connect
 * source task.
 *
 * <p>One argument: a properties file. Keys starting with {@code engine.} and {@code producer.} go,
 * without the prefix, to the engine and to the producer. {@code bench.count} stops the engine after
 * that many acknowledged records (0: run until SIGTERM); {@code bench.warmup} of them are not timed;
 * {@code bench.countMarkers} [false] publishes and counts marker rows (payload {@code marker}),
 * which are otherwise skipped; {@code bench.result} is the file the outcome is written to as properties ({@code first.nanos},
 * {@code warm.nanos}, {@code last.nanos} as {@link System#nanoTime()}, which on Linux compares across
 * processes; {@code records}; {@code thread.<name>} CPU seconds of each busy thread after the
 * warm-up; {@code process.cpu} of the whole process).
 */
public final class DebeziumOutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(DebeziumOutboxRelay.class);

    static final String MARKER = "marker";

    private final KafkaProducer<String, byte[]> producer;
    private final boolean countMarkers;
    private final long count;
    private final long warmup;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicLong acked = new AtomicLong();
    private volatile long firstNanos;
    private volatile long warmNanos;
    private volatile long lastNanos;
    private volatile Map<String, Long> warmCpu = Map.of();
    private volatile long warmProcessCpu;

    private DebeziumOutboxRelay(KafkaProducer<String, byte[]> producer, long count, long warmup, boolean countMarkers) {
        this.producer = producer;
        this.countMarkers = countMarkers;
        this.count = count;
        this.warmup = warmup;
    }

    public static void main(String[] args) throws Exception {
        Properties all = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            all.load(in);
        }
        Properties producerProps = prefixed(all, "producer.");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        long count = Long.parseLong(all.getProperty("bench.count", "0"));
        long warmup = Long.parseLong(all.getProperty("bench.warmup", "0"));
        Path result = Path.of(all.getProperty("bench.result", "debezium-result.properties"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            DebeziumOutboxRelay relay = new DebeziumOutboxRelay(producer, count, warmup,
                    Boolean.parseBoolean(all.getProperty("bench.countMarkers", "false")));
            relay.run(prefixed(all, "engine."), result);
        }
    }

    private void run(Properties engineProps, Path result) throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-engine"));
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine
                .create(ChangeEventFormat.of(io.debezium.embedded.Connect.class))
                .using(engineProps)
                .notifying(this::handleBatch)
                .using((success, message, error) -> {
                    if (!success) {
                        log.error("Engine stopped: {}", message, error);
                    }
                    done.countDown();
                })
                .build()) {
            Future<?> running = executor.submit(engine);
            Runtime.getRuntime().addShutdownHook(new Thread(done::countDown));
            done.await();
            writeResult(result);
            engine.close();
            running.get(60, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
    }

    private void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        if (firstNanos == 0 && !batch.isEmpty()) {
            firstNanos = System.nanoTime();
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            if (record.topic() != null && record.value() != null && (countMarkers || !isMarker(record))) {
                sent.add(producer.send(toProducerRecord(record)));
            }
        }
        for (Future<RecordMetadata> ack : sent) {
            try {
                ack.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("publishing failed", e.getCause());
            }
            long n = acked.incrementAndGet();
            if (n == warmup) {
                warmNanos = System.nanoTime();
                warmCpu = cpuByThread();
                warmProcessCpu = processCpuNanos();
            }
            if (n == count) {
                lastNanos = System.nanoTime();
                done.countDown();
            }
        }
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    /** Marker rows (payload {@value #MARKER}) find the binlog position; a measured run skips them. */
    private static boolean isMarker(SourceRecord record) {
        return MARKER.equals(String.valueOf(record.value()));
    }

    private static ProducerRecord<String, byte[]> toProducerRecord(SourceRecord record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (h.value() != null) {
                headers.add(h.key(), h.value().toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        Object value = record.value();
        byte[] bytes = value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8);
        String key = record.key() == null ? null : record.key().toString();
        return new ProducerRecord<>(record.topic(), null, key, bytes, headers);
    }

    private void writeResult(Path file) throws IOException {
        Properties out = new Properties();
        out.setProperty("records", Long.toString(acked.get()));
        out.setProperty("first.nanos", Long.toString(firstNanos));
        out.setProperty("warm.nanos", Long.toString(warmNanos));
        out.setProperty("last.nanos", Long.toString(lastNanos));
        long processCpu = processCpuNanos();
        out.setProperty("process.cpu", String.format(java.util.Locale.ROOT, "%.3f", processCpu / 1e9));
        // every thread of the process, the compilers' and the collector's too, which the threads' own times leave out
        out.setProperty("process.cpu.warm", String.format(java.util.Locale.ROOT, "%.3f",
                (processCpu - warmProcessCpu) / 1e9));
        Map<String, Long> before = warmCpu;
        cpuByThread().forEach((name, cpu) -> {
            long used = cpu - before.getOrDefault(name, 0L);
            if (used > 10_000_000L) {
                out.setProperty("thread." + name, String.format(java.util.Locale.ROOT, "%.3f", used / 1e9));
            }
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.store(w, "Debezium outbox relay");
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        log.info("Acknowledged {} records", acked.get());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU nanoseconds per thread name (threads of one name summed) so far. */
    private static Map<String, Long> cpuByThread() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            var info = threads.getThreadInfo(id);
            long used = threads.getThreadCpuTime(id);
            if (info != null && used > 0) {
                cpu.merge(info.getThreadName(), used, Long::sum);
            }
        }
        return cpu;
    }

    private static Properties prefixed(Properties all, String prefix) {
        Properties p = new Properties();
        all.stringPropertyNames().stream().filter(n -> n.startsWith(prefix))
                .forEach(n -> p.setProperty(n.substring(prefix.length()), all.getProperty(n)));
        return p;
    }
}
