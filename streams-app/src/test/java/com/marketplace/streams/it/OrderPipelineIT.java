package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.AnalyticsEvent;
import com.marketplace.events.DerivedIds;
import com.marketplace.events.EmailMessage;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.EventHeaders;
import com.marketplace.events.Notification;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.RecipientType;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.topics.TopicProvisioner;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.errors.DeadLetters;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.serde.StateValueFormat;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrdersPerMinute;
import com.marketplace.streams.stats.SellerStats;
import com.marketplace.streams.topology.OrderTopology;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole topology against a real in-process broker with exactly_once_v2: 2,000 input records of
 * which 10% are re-sent duplicates, one more whose key is not UTF-8 (dead-lettered as received) and one
 * whose value is no event and too large to dead-letter whole (dead-lettered without it).
 * Each output topic, read committed, holds exactly one record per expected id, and the statistics
 * stores equal the values computed directly from the input.
 */
class OrderPipelineIT {

    /** The key of one more input record: not UTF-8, so it is dead-lettered as received. */
    private static final byte[] NOT_UTF8_KEY = {'4', '2', (byte) 0xC3};
    /** The key of one more input record: a value that is no event, too large to dead-letter whole. */
    private static final String LARGE_POISON_KEY = "999999";
    private static final int LARGE_POISON_BYTES = 1_048_000;
    private static final int UNIQUE_EVENTS = 1_800;
    private static final int DUPLICATES = 200;
    private static final Duration PROCESSING_TIMEOUT = Duration.ofMinutes(3);
    private static final String APPLICATION_ID = "marketplace-streams-it";

    private static EmbeddedKafkaBroker broker;
    private static KafkaStreams streams;
    private static InputScenario scenario;
    private static final AppSerdes SERDES = new AppSerdes(StateValueFormat.COMPACT);

    @BeforeAll
    static void runPipeline() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        StreamsAppConfig config = StreamsAppConfig.defaults()
                .withKafka(broker.bootstrapServers(), Path.of("target", "it-state", UUID.randomUUID().toString()))
                .withApplicationId(APPLICATION_ID);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(Topics.OUTPUT_TOPICS, Duration.ofSeconds(30));
        }
        streams = new KafkaStreams(OrderTopology.build(config), config.toStreamsProperties());
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        scenario = new InputScenario(42, UNIQUE_EVENTS, DUPLICATES, Instant.now().truncatedTo(ChronoUnit.MINUTES)
                .minus(Duration.ofHours(1)));
        // the input the tests' counts rely on: every unique event, and the duplicates on top
        assertThat(scenario.sends).hasSize(UNIQUE_EVENTS + DUPLICATES);
        assertThat(new HashSet<>(scenario.sends.stream().map(EventEnvelope::eventId).toList())).hasSize(UNIQUE_EVENTS);
        scenario.publish(broker.bootstrapServers());
        publishWithKey(NOT_UTF8_KEY, EventCodec.INSTANCE.encode(scenario.sends.get(0)));
        publishWithKey(LARGE_POISON_KEY.getBytes(StandardCharsets.UTF_8), largePoisonValue());
    }

    /** Not an event, and as large as the topic takes: too large to copy to the DLQ with the dead-letter headers. */
    private static byte[] largePoisonValue() {
        byte[] value = new byte[LARGE_POISON_BYTES];
        java.util.Arrays.fill(value, (byte) 'x');
        return value;
    }

    private static void publishWithKey(byte[] key, byte[] value) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_CREATED, key, value));
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyOutputTopicHoldsExactlyOneRecordPerExpectedId() {
        Set<UUID> expectedEmails = new HashSet<>();
        Set<UUID> expectedNotifications = new HashSet<>();
        Set<UUID> expectedAnalytics = new HashSet<>();
        for (EventEnvelope event : scenario.unique) {
            expectedEmails.add(DerivedIds.emailId(event.eventId()));
            expectedAnalytics.add(event.eventId());
            expectedNotifications.add(DerivedIds.notificationId(event.eventId(), RecipientType.BUYER,
                    event.payload().buyerId()));
            if (event.payload() instanceof OrderCreated created) {
                created.items().forEach(item -> expectedNotifications.add(
                        DerivedIds.notificationId(event.eventId(), RecipientType.SELLER, item.sellerId())));
            }
        }

        InputScenario.awaitRead(broker.bootstrapServers(), APPLICATION_ID, scenario.sends.size() + 2,
                PROCESSING_TIMEOUT);
        awaitOutput(Topics.EMAIL, expectedEmails.size(), SERDES.email(), EmailMessage::emailId, expectedEmails);
        awaitOutput(Topics.NOTIFICATION, expectedNotifications.size(), SERDES.notification(),
                Notification::notificationId, expectedNotifications);
        awaitOutput(Topics.ANALYTICS, expectedAnalytics.size(), SERDES.analytics(), AnalyticsEvent::sourceEventId,
                expectedAnalytics);
        // the record whose key is not UTF-8, as received; the large one without its value; nothing else
        assertThat(OutputReader.readCommittedRaw(broker.bootstrapServers(), Topics.DLQ)).hasSize(2)
                .anySatisfy(dead -> {
                    assertThat(dead.key()).isEqualTo(NOT_UTF8_KEY);
                    assertThat(dead.value()).isEqualTo(EventCodec.INSTANCE.encode(scenario.sends.get(0)));
                    assertThat(new String(dead.headers().lastHeader(EventHeaders.DLQ_ERROR).value(),
                            StandardCharsets.UTF_8)).isEqualTo(DeadLetters.DESERIALIZATION_ERROR);
                })
                .anySatisfy(dead -> {
                    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(LARGE_POISON_KEY);
                    assertThat(dead.value()).isEmpty();
                    assertThat(new String(dead.headers().lastHeader(EventHeaders.DLQ_VALUE_OMITTED).value(),
                            StandardCharsets.UTF_8)).isEqualTo(Integer.toString(LARGE_POISON_BYTES));
                });
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @Test
    void statisticsEqualTheValuesComputedFromTheInput() {
        ExpectedStats expected = new ExpectedStats(scenario);

        await().atMost(PROCESSING_TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            assertThat(nonZero(sumOverPartitions(StoreNames.STATUS_COUNTS, Long::sum))).isEqualTo(expected.statusCounts);
            assertThat(sumOverPartitions(StoreNames.SELLER_STATS, (SellerStats a, SellerStats b) -> new SellerStats(
                    a.sellerId(), a.orders() + b.orders(), a.itemsSold() + b.itemsSold(), a.revenue().add(b.revenue()))))
                    .usingRecursiveComparison()
                    .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(expected.sellers);
            assertThat(sumOverPartitions(StoreNames.BUYER_STATS, (BuyerStats a, BuyerStats b) -> new BuyerStats(
                    a.buyerId(), a.orders() + b.orders(), a.totalSpent().add(b.totalSpent()))))
                    .usingRecursiveComparison()
                    .withComparatorForType(BigDecimal::compareTo, BigDecimal.class).isEqualTo(expected.buyers);
            assertThat(ordersPerMinute()).isEqualTo(expected.ordersPerMinute);
        });
    }

    private static <V> void awaitOutput(String topic, int expectedCount, org.apache.kafka.common.serialization.Serde<V> serde,
                                        Function<V, UUID> id, Set<UUID> expectedIds) {
        List<ConsumerRecord<String, V>> records =
                OutputReader.readCommitted(broker.bootstrapServers(), topic, serde.deserializer());
        List<UUID> ids = records.stream().map(r -> id.apply(r.value())).toList();
        assertThat(ids).as(topic).hasSize(expectedCount).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids)).as(topic).isEqualTo(expectedIds);
        assertThat(records).as("%s: a derived record carries none of its source event's headers", topic)
                .allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
    }

    /** Every key of {@code store} with its values in the partitions added up: each task counts its own partition. */
    private static <K, V> Map<K, V> sumOverPartitions(String store, BinaryOperator<V> add) {
        Map<K, V> all = new TreeMap<>();
        for (int partition : localPartitions()) {
            var view = streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition));
            try (var it = view.all()) {
                it.forEachRemaining(kv -> all.merge(kv.key, kv.value, add));
            }
        }
        return all;
    }

    private static List<Integer> localPartitions() {
        return streams.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                .map(task -> task.taskId().partition()).sorted().toList();
    }

    private static Map<String, Long> nonZero(Map<String, Long> counts) {
        Map<String, Long> result = new TreeMap<>(counts);
        result.values().removeIf(count -> count == 0);
        return result;
    }

    private static Map<Long, Long> ordersPerMinute() {
        Map<Long, Long> windows = new TreeMap<>();
        Instant now = Instant.now();
        for (int partition : localPartitions()) {
            var view = streams.store(StoreQueryParameters.fromNameAndType(StoreNames.ORDERS_PER_MINUTE,
                    QueryableStoreTypes.<String, Long>windowStore()).withPartition(partition));
            try (var it = view.fetch(OrdersPerMinute.KEY, now.minus(Duration.ofHours(3)), now.plus(Duration.ofHours(3)))) {
                it.forEachRemaining(kv -> windows.merge(kv.key, kv.value, Long::sum));
            }
        }
        return windows;
    }
}
