package com.marketplace.streams.bench;

import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.OrderTopology;
import com.marketplace.streams.topology.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Throughput of one streams instance with exactly_once_v2 against the in-process broker: the full
 * topology versus a pass-through topology over the same pre-loaded input, plus the dedupe store's
 * size. Not a test.
 * {@code streams-app/bench.sh} runs it (see the script for arguments).
 * Argument: number of input records (default 200,000; 10% of them duplicates). The system property
 * {@code bench.warmups} [1] sets how many runs of the full topology (own application ids) warm up
 * the JVM's compilers before the two measured runs; {@code bench.streams} (e.g.
 * {@code commit.interval.ms=1000,num.stream.threads=2}) overrides
 * Kafka Streams settings for both runs; {@code bench.openOrders} [1] sets how many orders are in
 * progress at a time (with 5,000, an order's status changes come ~5,000 records apart, more than a
 * commit interval, instead of right after its creation).
 */
public final class StreamsBenchmark {

    private static final String PASS_THROUGH_OUTPUT = "bench.pass-through";

    private StreamsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            createTopics(broker.bootstrapServers());
            long loadStart = System.nanoTime();
            produce(broker.bootstrapServers(), records);
            System.out.printf("loaded %,d records in %.1f s%n", records, seconds(loadStart));
            for (int i = 1; i <= Integer.getInteger("bench.warmups", 1); i++) {
                StreamsAppConfig warmup = config(broker.bootstrapServers(), "bench-warmup-" + i);
                run(broker.bootstrapServers(), warmup.applicationId(), OrderTopology.build(warmup), records);
            }
            double passThrough = run(broker.bootstrapServers(), "bench-pass-through", passThroughTopology(), records);
            StreamsAppConfig config = config(broker.bootstrapServers(), "bench-full");
            Map<String, Long> before = writtenPerTopic(broker.bootstrapServers());
            double full = run(broker.bootstrapServers(), config.applicationId(), OrderTopology.build(config), records);
            printWritesPerInput(before, writtenPerTopic(broker.bootstrapServers()), records);
            System.out.printf("pass-through: %,.0f events/s%nfull topology: %,.0f events/s (%.2f x pass-through)%n",
                    passThrough, full, full / passThrough);
        }
    }

    static double run(String bootstrap, String applicationId, Topology topology, int records) throws Exception {
        StreamsAppConfig config = config(bootstrap, applicationId);
        java.util.Properties props = config.toStreamsProperties();
        for (String setting : System.getProperty("bench.streams", "").split(",")) {
            if (setting.contains("=")) {
                props.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
            }
        }
        try (KafkaStreams streams = new KafkaStreams(topology, props);
             Admin admin = admin(bootstrap)) {
            streams.start();
            long start = System.nanoTime();
            long inputDone = 0;
            while (!caughtUp(admin, applicationId)) {
                if (inputDone == 0 && inputCommitted(admin, applicationId) >= records) {
                    inputDone = System.nanoTime();
                    System.out.printf("%s: input committed after %.1f s%n", applicationId, seconds(start));
                }
                Thread.sleep(100);
            }
            double elapsed = seconds(start);
            System.out.printf("%s: %,d records in %.1f s; its stream threads used %.1f µs CPU per record%n",
                    applicationId, records, elapsed, streamThreadCpuNanos(applicationId) / 1e3 / records);
            if (topology.describe().toString().contains(StoreNames.DEDUPE)) {
                System.out.printf("%s: dedupe-store holds %,d eventIds%n", applicationId, dedupeEntries(streams));
            }
            streams.close(Duration.ofSeconds(30));
            return records / elapsed;
        }
    }

    /** Whether the group has committed every input record and (±1 transaction marker) every repartition record. */
    private static boolean caughtUp(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        if (committed.keySet().stream().map(TopicPartition::topic).distinct()
                .filter(Topics.ORDER_EVENT_TOPICS::contains).count() < 2) {
            return false;
        }
        var ends = admin.listOffsets(committed.keySet().stream()
                .collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
        return committed.entrySet().stream().allMatch(e -> {
            long end = ends.get(e.getKey()).offset();
            long slack = Topics.ORDER_EVENT_TOPICS.contains(e.getKey().topic()) ? 0 : 1;
            return e.getValue() != null && e.getValue().offset() >= end - slack;
        });
    }

    /**
     * What the measured full run wrote, per input record and topic: the growth of end offsets, so
     * records plus one transaction marker per partition and commit. Explains the gap to the
     * pass-through, which writes one record per input.
     */
    private static void printWritesPerInput(Map<String, Long> before, Map<String, Long> after, int records) {
        long total = 0;
        for (var e : after.entrySet()) {
            long written = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (written > 0) {
                System.out.printf("  writes per input  %-70s %6.2f%n", e.getKey(), (double) written / records);
                total += written;
            }
        }
        System.out.printf("full topology writes %.1f offsets (records + commit markers) per input record%n",
                (double) total / records);
    }

    /** End offsets summed per topic, input and broker-internal topics left out. */
    private static Map<String, Long> writtenPerTopic(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            var partitions = admin.describeTopics(admin.listTopics().names().get()).allTopicNames().get().values().stream()
                    .filter(t -> !Topics.ORDER_EVENT_TOPICS.contains(t.name()) && !t.name().startsWith("__"))
                    .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition())))
                    .collect(java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var perTopic = new java.util.TreeMap<String, Long>();
            admin.listOffsets(partitions).all().get().forEach((tp, info) -> perTopic.merge(tp.topic(), info.offset(), Long::sum));
            return perTopic;
        }
    }

    private static long inputCommitted(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> Topics.ORDER_EVENT_TOPICS.contains(e.getKey().topic()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** CPU time used so far by the live stream threads of {@code applicationId} (not its clients' I/O threads). */
    private static long streamThreadCpuNanos(String applicationId) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(applicationId) && t.getName().contains("-StreamThread-"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId())))
                .sum();
    }

    static long dedupeEntries(KafkaStreams streams) {
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

    private static Topology passThroughTopology() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.ORDER_EVENT_TOPICS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("source"))
                .to(PASS_THROUGH_OUTPUT, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("sink"));
        return builder.build();
    }

    static StreamsAppConfig config(String bootstrap, String applicationId) {
        return StreamsAppConfig.defaults()
                .withKafka(bootstrap, Path.of("target", "bench-state", UUID.randomUUID().toString()))
                .withApplicationId(applicationId);
    }

    static void createTopics(String bootstrap) {
        try (Admin admin = admin(bootstrap)) {
            new TopicProvisioner(admin, 3, (short) 1).createMissing(Duration.ofSeconds(30));
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(PASS_THROUGH_OUTPUT, 3,
                    (short) 1))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void produce(String bootstrap, int records) {
        produce(bootstrap, records, 1);
    }

    /** Loads {@code records} records, 10% duplicates, timestamps {@code spacingMillis} apart. */
    static void produce(String bootstrap, int records, long spacingMillis) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            Instant start = Instant.now().minusMillis(records * spacingMillis);
            BenchEvents.generate(records, 0.10, spacingMillis, start, Integer.getInteger("bench.openOrders", 1), input ->
                    producer.send(new ProducerRecord<>(input.topic(), null, input.timestamp(), input.key(), input.value())));
        }
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
