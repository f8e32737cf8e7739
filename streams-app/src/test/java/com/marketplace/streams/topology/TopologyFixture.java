package com.marketplace.streams.topology;

import com.marketplace.events.AnalyticsEvent;
import com.marketplace.events.EmailMessage;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.EventType;
import com.marketplace.events.Notification;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.kafka.records.EventRecordHeaders;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.dedupe.DroppedDuplicates;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.stats.BuyerStats;
import com.marketplace.streams.stats.OrderState;
import com.marketplace.streams.stats.SellerStats;
import com.marketplace.streams.stats.QueryablePartitions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;

/** A {@link TopologyTestDriver} over {@link OrderTopology} with typed input and output topics. */
public final class TopologyFixture implements AutoCloseable {

    public final TopologyTestDriver driver;
    public final TestInputTopic<String, byte[]> created;
    public final TestInputTopic<String, byte[]> statusChanged;
    public final TestOutputTopic<String, EmailMessage> email;
    public final TestOutputTopic<String, Notification> notification;
    public final TestOutputTopic<String, AnalyticsEvent> analytics;
    public final TestOutputTopic<String, byte[]> dlq;
    /** What the client's {@code dedupe.dropped.events} metric reads. */
    public final DroppedDuplicates droppedDuplicates = new DroppedDuplicates();
    private boolean closed;

    public TopologyFixture(Duration dedupeRetention) {
        this(dedupeRetention, new Properties());
    }

    /** A fixture with extra Kafka Streams properties (e.g. the record cache switched off). */
    public TopologyFixture(Duration dedupeRetention, Properties overrides) {
        this(StreamsAppConfig.defaults().withDedupeRetention(dedupeRetention), overrides);
    }

    /** A fixture of the app as {@code env} configures it (e.g. {@code PROCESSING_GUARANTEE}). */
    public static TopologyFixture configuredBy(Map<String, String> env) {
        return new TopologyFixture(StreamsAppConfig.fromEnv(env), new Properties());
    }

    /** A fixture whose statistics step reports to {@code queryablePartitions}, as a client's queries read them. */
    public static TopologyFixture withQueryablePartitions(QueryablePartitions queryablePartitions) {
        return new TopologyFixture(StreamsAppConfig.defaults(), new Properties(), queryablePartitions);
    }

    /**
     * A fixture whose decode step knows the order topics have {@code partitions} partitions, as a
     * started instance does; the driver reads every input on partition 0.
     */
    public static TopologyFixture withInputPartitions(int partitions) {
        return new TopologyFixture(StreamsAppConfig.defaults(), new Properties(), new QueryablePartitions(),
                InputPartitionCount.of(partitions));
    }

    private TopologyFixture(StreamsAppConfig app, Properties overrides) {
        this(app, overrides, new QueryablePartitions());
    }

    private TopologyFixture(StreamsAppConfig app, Properties overrides, QueryablePartitions queryablePartitions) {
        this(app, overrides, queryablePartitions, new InputPartitionCount());
    }

    private TopologyFixture(StreamsAppConfig app, Properties overrides, QueryablePartitions queryablePartitions,
                            InputPartitionCount inputPartitions) {
        StreamsAppConfig config = app.withKafka("localhost:9092",
                Path.of("target", "ttd-state", UUID.randomUUID().toString()));
        AppSerdes serdes = new AppSerdes(config.stateValueFormat());
        Properties props = config.toStreamsProperties();
        props.putAll(overrides);
        driver = new TopologyTestDriver(OrderTopology.build(config, queryablePartitions, droppedDuplicates,
                inputPartitions), props, Events.T0);
        created = driver.createInputTopic(Topics.ORDER_CREATED, new StringSerializer(), new ByteArraySerializer());
        statusChanged = driver.createInputTopic(Topics.ORDER_STATUS_CHANGED, new StringSerializer(),
                new ByteArraySerializer());
        email = driver.createOutputTopic(Topics.EMAIL, new StringDeserializer(), serdes.email().deserializer());
        notification = driver.createOutputTopic(Topics.NOTIFICATION, new StringDeserializer(),
                serdes.notification().deserializer());
        analytics = driver.createOutputTopic(Topics.ANALYTICS, new StringDeserializer(),
                serdes.analytics().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new StringDeserializer(), new ByteArrayDeserializer());
    }

    public TopologyFixture() {
        this(Duration.ofDays(7));
    }

    /** Pipes {@code event} to its topic with record timestamp {@code at} and the headers the relay writes. */
    public void send(EventEnvelope event, Instant at) {
        TestInputTopic<String, byte[]> topic = event.type() == EventType.ORDER_CREATED ? created : statusChanged;
        topic.pipeInput(new TestRecord<>(event.key(), EventCodec.INSTANCE.encode(event),
                EventRecordHeaders.of(event.eventId(), event.eventType(), event.schemaVersion()), at));
    }

    /** Pipes {@code event} with its occurredAt as record timestamp. */
    public void send(EventEnvelope event) {
        send(event, event.occurredAt());
    }

    public KeyValueStore<String, OrderState> orderStates() {
        return driver.getKeyValueStore(StoreNames.ORDER_STATE);
    }

    /** orderId → the record time (epoch ms) of each partial order's latest event. */
    public KeyValueStore<String, Long> partialOrders() {
        return driver.getKeyValueStore(StoreNames.PARTIAL_ORDERS);
    }

    public KeyValueStore<Long, SellerStats> sellerStats() {
        return driver.getKeyValueStore(StoreNames.SELLER_STATS);
    }

    public KeyValueStore<Long, BuyerStats> buyerStats() {
        return driver.getKeyValueStore(StoreNames.BUYER_STATS);
    }

    public WindowStore<String, Long> dedupeStore() {
        return driver.getWindowStore(StoreNames.DEDUPE);
    }

    public WindowStore<String, Long> ordersPerMinute() {
        return driver.getWindowStore(StoreNames.ORDERS_PER_MINUTE);
    }

    /** status → count, without statuses whose count is zero. */
    public Map<String, Long> statusCounts() {
        KeyValueStore<String, Long> store = driver.getKeyValueStore(StoreNames.STATUS_COUNTS);
        Map<String, Long> counts = new HashMap<>();
        try (KeyValueIterator<String, Long> all = store.all()) {
            all.forEachRemaining((KeyValue<String, Long> kv) -> {
                if (kv.value != 0) {
                    counts.put(kv.key, kv.value);
                }
            });
        }
        return counts;
    }

    /** The eventIds held by the dedupe store. */
    public java.util.List<String> dedupedEventIds() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        try (var all = dedupeStore().all()) {
            all.forEachRemaining(kv -> ids.add(kv.key.key()));
        }
        return ids;
    }

    @Override
    /** Closes the driver and with it the tasks; closing again does nothing. */
    public void close() {
        if (!closed) {
            closed = true;
            driver.close();
        }
    }
}
