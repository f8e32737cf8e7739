package com.marketplace.bench.streams;

import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.gateway.outbox.OutboxPublisher;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.dedupe.DedupeProcessorSupplier;
import com.marketplace.streams.dedupe.DroppedDuplicates;
import com.marketplace.streams.stats.QueryablePartitions;
import com.marketplace.streams.topology.DecodeProcessor;
import com.marketplace.streams.topology.DecodedEvent;
import com.marketplace.streams.topology.InputPartitionCount;
import com.marketplace.streams.topology.OrderTopology;
import com.marketplace.kafka.topics.TopicProvisioner;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * The streams scenario's own JVM (started by {@link StreamsScenario}): one Kafka Streams instance
 * with the project's topology against a broker process, flat out over pre-loaded input (10 %
 * duplicates). After a warm-up run of the full topology it measures the full topology and a
 * pass-through over the same input, each with {@code exactly_once_v2} and {@code at_least_once},
 * or the dedupe store's size after N records (one per 10 ms of event time) with 7-day and
 * 1-minute retention (decode and dedupe stages only). Each guarantee is measured in rounds, a full
 * run and a pass-through run back to back in every round, so a slower or faster spell of a shared
 * machine moves both sides of a round alike; the result is each side's median over the rounds.
 * Arguments: mode ({@code throughput} or {@code dedupe}, each against a broker of its own), bootstrap
 * servers, input records, result file, rounds (throughput only; default 1). Results: {@code <run>.rate}
 * events/s and {@code <run>.cpuMicros} stream-thread CPU per input (medians), {@code <run>.<i>.rate} and
 * {@code <run>.<i>.cpuMicros} of round i, {@code rounds}, {@code dedupe.<retention>.entries},
 * {@code rss.mb}, {@code heap.mb}; with a variant ({@link #VARIANT}), {@code variant.<guarantee>.rate} and so
 * on, and {@code variant} (its settings).
 */
public final class StreamsThroughput {

    /** Partitions of every topic the scenario reads or writes, as the pipeline creates them by default. */
    private static final int PARTITIONS = 3;
    private static final String PASS_THROUGH_OUTPUT = "bench.pass-through";
    /**
     * The prefix of the system properties of this JVM that make a variant of the full topology's settings
     * (e.g. {@code -Dbench.jvm.streams-throughput=-Dbench.streams.variant.statestore.cache.max.bytes=4194304};
     * an empty value removes the setting, as for {@link #properties}): when there are any, every round also
     * runs the full topology with them, between its full and its pass-through run, so that a change of
     * setting is measured against the app's in the same rounds.
     */
    private static final String VARIANT = "bench.streams.variant.";

    private StreamsThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String bootstrap = args[1];
        int records = Integer.parseInt(args[2]);
        Path resultFile = Path.of(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        Properties result = new Properties();
        createTopics(bootstrap);
        if (mode.equals("dedupe")) {
            dedupe(bootstrap, records, result);
        } else {
            throughput(bootstrap, records, rounds, result);
        }
        result.setProperty("rss.mb", String.format(Locale.ROOT, "%.1f", rssMb()));
        Runtime rt = Runtime.getRuntime();
        result.setProperty("heap.mb", String.format(Locale.ROOT, "%.1f", (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
        try (Writer w = Files.newBufferedWriter(resultFile)) {
            result.store(w, "streams " + mode);
        }
    }

    private static void throughput(String bootstrap, int records, int rounds, Properties result) throws Exception {
        produce(bootstrap, records, 1);
        String eos = StreamsConfig.EXACTLY_ONCE_V2;
        run(bootstrap, "bench-warmup", topology(config(bootstrap, "bench-warmup", eos)), records, eos);
        result.setProperty("rounds", Integer.toString(rounds));
        String variantSettings = describeOverrides(VARIANT);
        boolean variants = !variantSettings.isEmpty();
        if (variants) {
            result.setProperty("variant", variantSettings);
        }
        for (String guarantee : List.of(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE)) {
            String g = guarantee.replace('_', '-');
            List<double[]> full = new ArrayList<>();
            List<double[]> variant = new ArrayList<>();
            List<double[]> pass = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // a fresh application id per run: every run starts with empty stores at the input's beginning
                String fullId = "bench-full-" + g + "-" + round;
                full.add(run(bootstrap, fullId, topology(config(bootstrap, fullId, guarantee)), records,
                        guarantee));
                put(result, "full." + guarantee + "." + round, full.get(round - 1));
                if (variants) {
                    String variantId = "bench-variant-" + g + "-" + round;
                    StreamsAppConfig config = config(bootstrap, variantId, guarantee);
                    variant.add(run(overrides(properties(config), VARIANT), variantId, topology(config),
                            records));
                    put(result, "variant." + guarantee + "." + round, variant.get(round - 1));
                }
                pass.add(run(bootstrap, "bench-pass-" + g + "-" + round, passThroughTopology(), records, guarantee));
                put(result, "pass." + guarantee + "." + round, pass.get(round - 1));
            }
            put(result, "full." + guarantee, medians(full));
            put(result, "pass." + guarantee, medians(pass));
            if (variants) {
                put(result, "variant." + guarantee, medians(variant));
            }
        }
    }

    /** The median of each measure (events/s, µs per input) over the runs; of an even count, the mean of the middle two. */
    static double[] medians(List<double[]> runs) {
        double[] medians = new double[runs.get(0).length];
        for (int m = 0; m < medians.length; m++) {
            int measure = m;
            double[] sorted = runs.stream().mapToDouble(r -> r[measure]).sorted().toArray();
            int mid = sorted.length / 2;
            medians[m] = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
        return medians;
    }

    private static void put(Properties result, String key, double[] measured) {
        result.setProperty(key + ".rate", String.format(Locale.ROOT, "%.1f", measured[0]));
        result.setProperty(key + ".cpuMicros", String.format(Locale.ROOT, "%.2f", measured[1]));
    }

    /** Dedupe store entries after {@code records} records for 7 days and 1 minute of retention. */
    private static void dedupe(String bootstrap, int records, Properties result) throws Exception {
        produce(bootstrap, records, 10);
        for (Duration retention : List.of(Duration.ofDays(7), Duration.ofMinutes(1))) {
            String id = "bench-dedupe-" + retention.toString().replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
            Properties props = properties(config(bootstrap, id, StreamsConfig.EXACTLY_ONCE_V2));
            try (KafkaStreams streams = new KafkaStreams(dedupeOnly(retention), props); Admin admin = admin(bootstrap)) {
                streams.start();
                long start = System.nanoTime();
                while (!caughtUp(admin, id)) {
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                String key = "dedupe." + retention;
                result.setProperty(key + ".entries", Long.toString(dedupeEntries(streams)));
                result.setProperty(key + ".rate", String.format(Locale.ROOT, "%.1f", records / seconds));
                streams.close(Duration.ofSeconds(30));
            }
        }
    }

    /**
     * Returns {events/s, stream-thread CPU µs per input}, both counted from the moment the instance
     * is RUNNING (its tasks assigned and their stores open: processing starts then) to the moment
     * its group has committed the end of the input (the rate under at_least_once: to the moment the
     * last input was processed, {@link #exactlyOnce}), so that neither holds the group's join, the
     * task assignment nor the stores' opening, which a run of a few seconds would otherwise count
     * as processing.
     */
    static double[] run(String bootstrap, String applicationId, Topology topology, long records, String guarantee)
            throws Exception {
        return run(runProperties(bootstrap, applicationId, guarantee), applicationId, topology, records);
    }

    private static double[] run(Properties props, String applicationId, Topology topology, long records)
            throws Exception {
        String bootstrap = props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (KafkaStreams streams = new KafkaStreams(topology, props); Admin admin = admin(bootstrap)) {
            CountDownLatch running = new CountDownLatch(1);
            AtomicLong runningAt = new AtomicLong();
            AtomicLong cpuBeforeRunning = new AtomicLong();
            streams.setStateListener((now, before) -> {
                if (now == KafkaStreams.State.RUNNING && running.getCount() > 0) {
                    runningAt.set(System.nanoTime());
                    cpuBeforeRunning.set(streamThreadCpuNanos(applicationId));
                    running.countDown();
                }
            });
            streams.start();
            if (!running.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException(applicationId + " did not reach RUNNING within 2 minutes");
            }
            long processedAt = 0;
            while (!caughtUp(admin, applicationId)) {
                if (processedAt == 0 && processed(streams) >= records) {
                    processedAt = System.nanoTime();
                }
                Thread.sleep(20);
            }
            long end = processedAt == 0 || exactlyOnce(props) ? System.nanoTime() : processedAt;
            double elapsed = (end - runningAt.get()) / 1e9;
            double cpuMicros = (streamThreadCpuNanos(applicationId) - cpuBeforeRunning.get()) / 1e3 / records;
            streams.close(Duration.ofSeconds(30));
            return new double[] {records / elapsed, cpuMicros};
        }
    }

    /**
     * Under exactly_once_v2 a run's outputs are there for a reader at the commit that follows its last
     * input; under at_least_once as soon as they are sent, and its next commit, up to a commit interval
     * (1 s) later, would make the rate a multiple of the interval: there the rate is timed to the last
     * input's processing.
     */
    private static boolean exactlyOnce(Properties props) {
        return StreamsConfig.EXACTLY_ONCE_V2.equals(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }

    /** Records the instance's stream threads have processed so far ({@code process-total}). */
    private static double processed(KafkaStreams streams) {
        return streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals("process-total")
                        && m.metricName().group().equals("stream-thread-metrics"))
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
                .sum();
    }

    /**
     * Whether the group has committed an offset for every input partition, at its end, and (±1
     * transaction marker) every repartition record.
     */
    private static boolean caughtUp(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        long inputPartitions = admin.describeTopics(Topics.ORDER_EVENT_TOPICS).allTopicNames().get().values().stream()
                .mapToLong(t -> t.partitions().size()).sum();
        if (committed.keySet().stream().filter(tp -> Topics.ORDER_EVENT_TOPICS.contains(tp.topic())).count()
                < inputPartitions) {
            return false;
        }
        var ends = admin.listOffsets(committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
        return committed.entrySet().stream().allMatch(e -> {
            long end = ends.get(e.getKey()).offset();
            long slack = Topics.ORDER_EVENT_TOPICS.contains(e.getKey().topic()) ? 0 : 1;
            return e.getValue() != null && e.getValue().offset() >= end - slack;
        });
    }

    private static long streamThreadCpuNanos(String applicationId) {
        var threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(applicationId + "-") && t.getName().contains("-StreamThread-"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId())))
                .sum();
    }

    private static long dedupeEntries(KafkaStreams streams) {
        var store = streams.store(StoreQueryParameters.fromNameAndType(StoreNames.DEDUPE,
                QueryableStoreTypes.<String, Long>windowStore()));
        long count = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }

    /** The app's topology as a started instance builds it: checking each event's partition against its key's. */
    private static Topology topology(StreamsAppConfig config) {
        return OrderTopology.build(config, new QueryablePartitions(), new DroppedDuplicates(),
                InputPartitionCount.of(PARTITIONS));
    }

    private static Topology passThroughTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ORDER_EVENT_TOPICS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("source"))
                .to(PASS_THROUGH_OUTPUT, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("sink"));
        return builder.build();
    }

    private static Topology dedupeOnly(Duration retention) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ORDER_EVENT_TOPICS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("source"))
                .processValues(() -> new DecodeProcessor(InputPartitionCount.of(PARTITIONS)), Named.as("decode"))
                .filter((key, value) -> !value.isFailure(), Named.as("decoded"))
                .mapValues(DecodedEvent::event, Named.as("event"))
                .processValues(new DedupeProcessorSupplier(retention), Named.as("dedupe"));
        return builder.build();
    }

    /** The Kafka Streams properties of one run: the app's under {@code guarantee}, with this JVM's overrides. */
    static Properties runProperties(String bootstrap, String applicationId, String guarantee) {
        return properties(config(bootstrap, applicationId, guarantee));
    }

    /**
     * The app's configuration under {@code guarantee} as {@code PROCESSING_GUARANTEE} gives it, with the
     * settings that go with it (commit interval, producer linger), not only the guarantee itself.
     */
    private static StreamsAppConfig config(String bootstrap, String applicationId, String guarantee) {
        return StreamsAppConfig.fromEnv(Map.of("PROCESSING_GUARANTEE", guarantee))
                .withKafka(bootstrap, Path.of("bench", "target", "streams-state", UUID.randomUUID().toString()))
                .withApplicationId(applicationId);
    }

    /**
     * The app's Kafka Streams properties with the overrides given as system properties
     * {@code bench.streams.config.<name>} of this JVM, for comparing one setting (e.g.
     * {@code -Dbench.jvm.streams-throughput=-Dbench.streams.config.producer.linger.ms=5}); an empty value
     * removes the app's setting, leaving Kafka Streams' default (e.g. {@code
     * -Dbench.streams.config.rocksdb.config.setter=}).
     */
    private static Properties properties(StreamsAppConfig config) {
        return overrides(config.toStreamsProperties(), "bench.streams.config.");
    }

    /**
     * {@code props} with the settings given as system properties {@code <prefix><name>}: set to their
     * value, or removed when it is empty.
     */
    private static Properties overrides(Properties props, String prefix) {
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(prefix)).forEach(n -> {
            String name = n.substring(prefix.length());
            String value = System.getProperty(n);
            if (value.isEmpty()) {
                props.remove(name);
            } else {
                props.put(name, value);
            }
        });
        return props;
    }

    /**
     * The settings given with {@code prefix}, e.g. {@code statestore.cache.max.bytes=4194304} (empty: removed);
     * an empty text when there are none.
     */
    private static String describeOverrides(String prefix) {
        return System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(prefix)).sorted()
                .map(n -> n.substring(prefix.length()) + "=" + System.getProperty(n))
                .collect(Collectors.joining(", "));
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            int orderTopicPartitions = TopicProvisioner.withPipelineRetention(admin, PARTITIONS, 1)
                    .provision(Topics.OUTPUT_TOPICS, Duration.ofSeconds(30)).orderTopicPartitions();
            if (orderTopicPartitions != PARTITIONS) { // the topologies check each event's partition by PARTITIONS
                throw new IllegalStateException("the order topics have " + orderTopicPartitions + " partitions, not "
                        + PARTITIONS + ": run the scenario on a broker of its own");
            }
            admin.createTopics(List.of(new NewTopic(PASS_THROUGH_OUTPUT, PARTITIONS, (short) 1))).all().get();
        }
    }

    /**
     * Loads {@code records} records, 10 % duplicates, timestamps {@code spacingMillis} apart, as the relay
     * writes them: with its headers, through a producer with its settings (no compression, batches of up
     * to 128 KiB, acks=all, idempotent).
     */
    private static void produce(String bootstrap, int records, long spacingMillis) {
        Properties base = new Properties();
        base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        base.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-streams-input");
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (var producer = new KafkaProducer<>(OutboxPublisher.producerProperties(base), new StringSerializer(),
                new ByteArraySerializer())) {
            Instant start = Instant.now().minusMillis(records * spacingMillis);
            BenchEvents.generate(records, 0.10, spacingMillis, start, 1, input ->
                    producer.send(new ProducerRecord<>(input.topic(), null, input.timestamp(), input.key(), input.value(),
                            input.headers()),
                            (metadata, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            }));
        }
        // a lost input record would make every figure of the run count records that were never there
        if (failure.get() != null) {
            throw new IllegalStateException("loading the input failed", failure.get());
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
