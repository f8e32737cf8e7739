package com.marketplace.streams.topology;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.AnalyticsEvent;
import com.marketplace.events.DerivedIds;
import com.marketplace.events.EmailMessage;
import com.marketplace.events.EmailTemplate;
import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.EventHeaders;
import com.marketplace.events.Notification;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.RecipientType;
import com.marketplace.events.Topics;
import com.marketplace.kafka.records.EventRecordHeaders;
import com.marketplace.streams.dedupe.DedupeProcessor;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fan-out and dedupe paths of {@link OrderTopology}, through {@link org.apache.kafka.streams.TopologyTestDriver}. */
class OrderTopologyTest {

    private final TopologyFixture fx = new TopologyFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    void orderCreatedProducesConfirmationEmailAndAnalytics() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));

        fx.send(order);

        var email = fx.email.readKeyValue();
        assertThat(email.key).isEqualTo("42");
        assertThat(email.value).isEqualTo(new EmailMessage(DerivedIds.emailId(order.eventId()), order.eventId(),
                EmailTemplate.ORDER_CONFIRMATION, "buyer1@example.com", 42, "ORD-42", null, OrderStatus.PENDING,
                new BigDecimal("3000.00"), "KRW"));
        var analytics = fx.analytics.readKeyValue();
        assertThat(analytics.key).isEqualTo("42");
        assertThat(analytics.value).isEqualTo(new AnalyticsEvent(order.eventId(), "OrderCreated", 42, 1, List.of(7L),
                OrderStatus.PENDING, new BigDecimal("3000.00"), "KRW", T0));
        assertThat(fx.email.isEmpty()).isTrue();
        assertThat(fx.analytics.isEmpty()).isTrue();
    }

    @Test
    void orderCreatedNotifiesBuyerAndEachDistinctSellerOnce() {
        EventEnvelope order = created(42, 1, T0,
                List.of(item(7, 1, "10.00"), item(9, 1, "20.00"), item(7, 3, "5.00")));

        fx.send(order);

        List<Notification> notifications = fx.notification.readValuesToList();
        assertThat(notifications).hasSize(1 + 2);
        assertThat(notifications).extracting(Notification::recipientType, Notification::recipientId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(RecipientType.BUYER, 1L),
                        org.assertj.core.groups.Tuple.tuple(RecipientType.SELLER, 7L),
                        org.assertj.core.groups.Tuple.tuple(RecipientType.SELLER, 9L));
        assertThat(notifications).allSatisfy(n -> {
            assertThat(n.sourceEventId()).isEqualTo(order.eventId());
            assertThat(n.kind()).isEqualTo("OrderCreated");
            assertThat(n.orderId()).isEqualTo(42);
            assertThat(n.notificationId())
                    .isEqualTo(DerivedIds.notificationId(order.eventId(), n.recipientType(), n.recipientId()));
        });
    }

    @Test
    void statusChangeProducesStatusEmailOneBuyerNotificationAndAnalytics() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 1, "10.00"), item(9, 1, "20.00")));
        fx.send(order);
        drainOutputs();
        EventEnvelope paid = changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(5));

        fx.send(paid);

        EmailMessage email = fx.email.readValue();
        assertThat(email.template()).isEqualTo(EmailTemplate.ORDER_STATUS_CHANGED);
        assertThat(email.emailId()).isEqualTo(DerivedIds.emailId(paid.eventId()));
        assertThat(email.previousStatus()).isEqualTo(OrderStatus.PENDING);
        assertThat(email.status()).isEqualTo(OrderStatus.PAID);
        assertThat(email.to()).isEqualTo("buyer1@example.com");
        List<Notification> notifications = fx.notification.readValuesToList();
        assertThat(notifications).singleElement().satisfies(n -> {
            assertThat(n.recipientType()).isEqualTo(RecipientType.BUYER);
            assertThat(n.kind()).isEqualTo("OrderStatusChanged");
        });
        AnalyticsEvent analytics = fx.analytics.readValue();
        assertThat(analytics.eventType()).isEqualTo("OrderStatusChanged");
        assertThat(analytics.status()).isEqualTo(OrderStatus.PAID);
        assertThat(analytics.sellerIds()).containsExactly(7L, 9L);
    }

    @Test
    void derivedRecordsCarryNoneOfTheSourceEventsHeaders() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 1, "10.00"), item(9, 1, "20.00")));
        EventEnvelope paid = changed(order, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(5));

        fx.send(order);
        fx.send(paid);

        List<TestRecord<String, ?>> derived = new ArrayList<>();
        derived.addAll(fx.email.readRecordsToList());
        derived.addAll(fx.notification.readRecordsToList());
        derived.addAll(fx.analytics.readRecordsToList());
        assertThat(derived).hasSize(2 + (3 + 1) + 2)
                .allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
    }

    @Test
    void aDeadLetteredEventKeepsTheHeadersItCameWith() {
        EventEnvelope order = created(15, 1, T0, List.of(item(7, 1, "10.00")));
        String newer = EventCodec.INSTANCE.encodeToString(order)
                .replace("\"schemaVersion\":1", "\"schemaVersion\":2");

        fx.created.pipeInput(new TestRecord<>("15", newer.getBytes(StandardCharsets.UTF_8),
                EventRecordHeaders.of(order.eventId(), order.eventType(), order.schemaVersion()), T0));

        var dead = fx.dlq.readRecord();
        assertThat(header(dead, EventHeaders.EVENT_ID)).isEqualTo(order.eventId().toString());
        assertThat(header(dead, EventHeaders.EVENT_TYPE)).isEqualTo("OrderCreated");
        assertThat(header(dead, EventHeaders.DLQ_ERROR)).isEqualTo("UNSUPPORTED_SCHEMA_VERSION");
    }

    @Test
    void duplicateEventIdIsDroppedEverywhereWithinRetention() {
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));
        fx.send(order);
        drainOutputs();

        fx.send(order, T0.plus(Duration.ofDays(6)));

        assertThat(fx.email.isEmpty()).isTrue();
        assertThat(fx.notification.isEmpty()).isTrue();
        assertThat(fx.analytics.isEmpty()).isTrue();
        assertThat(fx.dlq.isEmpty()).isTrue();
        assertThat(fx.buyerStats().get(1L).orders()).isEqualTo(1);
        assertThat(fx.sellerStats().get(7L).orders()).isEqualTo(1);
        assertThat(fx.statusCounts()).containsExactlyEntriesOf(java.util.Map.of("PENDING", 1L));
    }

    @Test
    void aCopyExactlyOneRetentionLaterIsNotADuplicate() {
        // the fixture's dedupe retention is the default, seven days
        EventEnvelope order = created(44, 1, T0, List.of(item(7, 2, "1500.00")));
        Instant oneRetentionLater = T0.plus(Duration.ofDays(7));
        fx.send(order);
        fx.send(order, oneRetentionLater.minusMillis(1));
        assertThat(fx.droppedDuplicates.total()).as("a copy within the retention").isEqualTo(1);

        // as it would pass if any other eventId had been stored at its time first: the store then reads no
        // further back than one retention less a millisecond
        fx.send(order, oneRetentionLater);

        assertThat(fx.droppedDuplicates.total()).as("a copy one retention later").isEqualTo(1);
    }

    @Test
    void droppedDuplicatesAreCountedAndTheCountStaysWhenTheTaskGoes() {
        EventEnvelope order = created(43, 1, T0, List.of(item(7, 2, "1500.00")));
        fx.send(order);
        fx.send(order, T0.plusSeconds(1));
        fx.send(order, T0.plusSeconds(2));

        assertThat(fx.droppedDuplicates.total()).isEqualTo(2);
        assertThat(taskSensorDrops()).isEqualTo(2.0);

        // the task closes, as when a rebalance moves it away: its sensor goes with it, the count does not
        fx.close();

        assertThat(taskSensorDrops()).isZero();
        assertThat(fx.droppedDuplicates.total()).isEqualTo(2);
    }

    private double taskSensorDrops() {
        return fx.driver.metrics().entrySet().stream()
                .filter(e -> DedupeProcessor.METRICS_GROUP.equals(e.getKey().group())
                        && DedupeProcessor.DROPPED_METRIC.equals(e.getKey().name()))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    @Test
    void underAtLeastOnceTheSameRecordReadAgainAfterACrashIsProcessedAgainAndOnlyALaterCopyIsDropped() {
        try (TopologyFixture alos = TopologyFixture.configuredBy(Map.of("PROCESSING_GUARANTEE", "at_least_once"))) {
            // Given the state an at_least_once crash can leave: the dedupe store (which writes its
            // changelog at once) remembers the event of the record at offset 0 of order.created, while
            // the order's state and statistics (in the record cache until the commit) were lost
            EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));
            alos.dedupeStore().put(order.eventId().toString(), sourceAtOffset(0), T0.toEpochMilli());

            // When that record is read again, and then a copy of the event arrives in another record
            alos.send(order);
            alos.send(order, T0.plusSeconds(5));

            // Then the event is applied once more, from the record read again, and the copy is dropped
            assertThat(alos.email.readValuesToList()).hasSize(1);
            assertThat(alos.orderStates().get("42")).isNotNull();
            assertThat(alos.buyerStats().get(1L).orders()).isEqualTo(1);
            assertThat(alos.statusCounts()).containsExactlyEntriesOf(Map.of("PENDING", 1L));
        }
    }

    @Test
    void underExactlyOnceARecordTheStoreNamesIsADuplicateToo() {
        // Given an event the store remembers from the record at offset 0 of order.created (under
        // exactly_once_v2 only a hand-moved consumer offset reads that record again with the state kept)
        EventEnvelope order = created(42, 1, T0, List.of(item(7, 2, "1500.00")));
        fx.dedupeStore().put(order.eventId().toString(), sourceAtOffset(0), T0.toEpochMilli());

        // When that record is read again
        fx.send(order);

        // Then it is dropped like any copy
        assertThat(fx.email.isEmpty()).isTrue();
        assertThat(fx.orderStates().get("42")).isNull();
    }

    /** The dedupe store's value for the record at {@code offset} of order.created. */
    private static long sourceAtOffset(long offset) {
        return offset * 2;
    }

    @Test
    void duplicatesShareTheOrderKeySoTheyMeetInTheSameTask() {
        // Given the same event published twice by the relay: same topic, same key (orderId)
        EventEnvelope paidOrder = created(42, 1, T0, List.of(item(7, 1, "10.00")));
        EventEnvelope paid = changed(paidOrder, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1));
        fx.send(paidOrder);
        fx.send(paid);
        drainOutputs();

        // When it arrives again, interleaved with other orders' events
        fx.send(created(43, 2, T0.plusSeconds(2), List.of(item(8, 1, "1.00"))));
        fx.send(paid, T0.plusSeconds(3));

        // Then it is dropped: the dedupe store of that key's task remembers it
        assertThat(fx.email.readValuesToList()).extracting(EmailMessage::orderId).containsExactly(43L);
        assertThat(fx.dedupedEventIds()).contains(paid.eventId().toString());
    }

    @Test
    void theOtherTopicsTimestampsAlsoDecideWhenAnEventIdIsForgotten() {
        // This is why a task must read its two topics in timestamp order (StreamsAppConfig): the
        // store's stream time is the newest timestamp from either topic.
        try (TopologyFixture shortRetention = new TopologyFixture(Duration.ofMinutes(1))) {
            EventEnvelope order = created(42, 1, T0, List.of(item(7, 1, "10.00")));
            EventEnvelope other = created(43, 2, T0, List.of(item(8, 1, "1.00")));
            shortRetention.send(order);
            shortRetention.send(other);

            // a status change 50 s on: the copy, 10 s after its original, is still recognised
            shortRetention.send(changed(other, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(50)));
            shortRetention.send(order, T0.plusSeconds(10));
            assertThat(shortRetention.email.readValuesToList()).extracting(EmailMessage::orderId)
                    .containsExactly(42L, 43L, 43L);

            // a status change beyond the retention of the original: a copy processed after it
            // passes, however close its own timestamp is to the original's
            shortRetention.send(changed(other, OrderStatus.PAID, OrderStatus.SHIPPED, T0.plusSeconds(61)));
            shortRetention.send(order, T0.plusSeconds(10));
            assertThat(shortRetention.email.readValuesToList()).extracting(EmailMessage::orderId)
                    .containsExactly(43L, 42L);
        }
    }

    @Test
    void anEventStampedFurtherBackThanTheRetentionIsRememberedAndItsCopiesDropped() {
        try (TopologyFixture shortRetention = new TopologyFixture(Duration.ofMinutes(1))) {
            // the task's stream time at T0 + 10 min
            shortRetention.send(created(43, 2, T0.plus(Duration.ofMinutes(10)), List.of(item(8, 1, "1.00"))));

            // an event whose record is stamped at T0, ten retentions back, and a copy of it
            EventEnvelope late = created(42, 1, T0, List.of(item(7, 1, "10.00")));
            shortRetention.send(late, T0);
            shortRetention.send(late, T0);

            assertThat(shortRetention.email.readValuesToList()).extracting(EmailMessage::orderId)
                    .containsExactly(43L, 42L);
            assertThat(shortRetention.dedupedEventIds()).contains(late.eventId().toString());
        }
    }

    @Test
    void sameEventIdAfterRetentionIsAcceptedAgainAndTheStoreShrinks() {
        try (TopologyFixture shortRetention = new TopologyFixture(Duration.ofMinutes(1))) {
            EventEnvelope first = created(42, 1, T0, List.of(item(7, 1, "10.00")));
            EventEnvelope second = created(43, 1, T0.plusSeconds(10), List.of(item(7, 1, "10.00")));
            shortRetention.send(first);
            shortRetention.send(second);
            assertThat(shortRetention.dedupedEventIds())
                    .containsExactlyInAnyOrder(first.eventId().toString(), second.eventId().toString());
            shortRetention.email.readValuesToList();

            // time passes far beyond the retention: an unrelated event advances stream time
            EventEnvelope later = created(44, 1, T0.plus(Duration.ofMinutes(10)), List.of(item(7, 1, "10.00")));
            shortRetention.send(later);
            assertThat(shortRetention.dedupedEventIds()).containsExactly(later.eventId().toString());

            shortRetention.send(first, T0.plus(Duration.ofMinutes(10)));

            assertThat(shortRetention.email.readValuesToList()).extracting(EmailMessage::sourceEventId)
                    .containsExactly(later.eventId(), first.eventId());
            assertThat(shortRetention.dedupedEventIds())
                    .containsExactlyInAnyOrder(later.eventId().toString(), first.eventId().toString());
            // the state is idempotent: the replayed creation does not count the order twice
            assertThat(shortRetention.buyerStats().get(1L).orders()).isEqualTo(3);
        }
    }

    @Test
    void poisonRecordGoesToDlqWithHeadersAndTheNextGoodRecordIsProcessed() {
        fx.created.pipeInput("13", "{not json".getBytes(StandardCharsets.UTF_8), T0);
        EventEnvelope good = created(14, 1, T0.plusSeconds(1), List.of(item(7, 1, "10.00")));
        fx.send(good);

        var dead = fx.dlq.readRecord();
        assertThat(dead.key()).isEqualTo("13");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(dead, EventHeaders.DLQ_ERROR)).isEqualTo("MALFORMED");
        assertThat(header(dead, EventHeaders.DLQ_ERROR_MESSAGE)).contains("not JSON");
        assertThat(header(dead, EventHeaders.DLQ_SOURCE_TOPIC))
                .isEqualTo(Topics.ORDER_CREATED);
        assertThat(header(dead, EventHeaders.DLQ_SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead, EventHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("0");
        assertThat(fx.dlq.isEmpty()).isTrue();
        assertThat(fx.email.readValue().sourceEventId()).isEqualTo(good.eventId());
        assertThat(fx.orderStates().get("14")).isNotNull();
    }

    @Test
    void aPoisonRecordTooLargeToCopyWithItsHeadersIsDeadLetteredWithoutItsValue() {
        // as large as a topic with the default limits takes: its copy with the dead-letter headers is not
        byte[] large = new byte[1_040_000];
        java.util.Arrays.fill(large, (byte) 'x');
        fx.created.pipeInput("13", large, T0);

        var dead = fx.dlq.readRecord();
        assertThat(dead.key()).isEqualTo("13");
        assertThat(dead.value()).isEmpty();
        assertThat(header(dead, EventHeaders.DLQ_VALUE_OMITTED)).isEqualTo("1040000");
        assertThat(header(dead, EventHeaders.DLQ_ERROR)).isEqualTo("MALFORMED");
        assertThat(header(dead, EventHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("0");
        // a poison record of ordinary size is still copied whole
        fx.created.pipeInput("14", "{not json".getBytes(StandardCharsets.UTF_8), T0);
        assertThat(new String(fx.dlq.readRecord().value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    }

    @Test
    void anEventWithValuesNoOrderCanHaveIsDeadLetteredAndTouchesNoStatistic() {
        EventEnvelope order = created(17, 1, T0, List.of(item(7, 1, "10.00")));
        String json = EventCodec.INSTANCE.encodeToString(order);
        fx.created.pipeInput("17", json.replace("\"totalAmount\":10.00", "\"totalAmount\":1E+2000000").getBytes(), T0);
        fx.created.pipeInput("17", json.replace("\"unitPrice\":10.00", "\"unitPrice\":1E-999999999").getBytes(), T0);
        fx.created.pipeInput("17", json.replace("\"quantity\":1", "\"quantity\":-3").getBytes(), T0);
        fx.created.pipeInput("17", json.replaceAll("\"createdAt\":\"[^\"]+\"", "\"createdAt\":\"+300000000-01-01T00:00:00Z\"")
                .getBytes(), T0);
        fx.send(order);

        assertThat(fx.dlq.readRecordsToList()).extracting(r -> header(r, EventHeaders.DLQ_ERROR))
                .containsExactly("MALFORMED", "MALFORMED", "MALFORMED", "MALFORMED");
        assertThat(fx.email.readValuesToList()).singleElement()
                .satisfies(email -> assertThat(email.sourceEventId()).isEqualTo(order.eventId()));
        assertThat(fx.orderStates().get("17").totalAmount()).isEqualByComparingTo("10.00");
    }

    @Test
    void unknownEventTypeAndNewerSchemaVersionAreDeadLettered() {
        EventEnvelope order = created(15, 1, T0, List.of(item(7, 1, "10.00")));
        String json = EventCodec.INSTANCE.encodeToString(order);
        fx.created.pipeInput("15", json.replace("\"OrderCreated\"", "\"OrderExploded\"").getBytes(), T0);
        fx.created.pipeInput("15", json.replace("\"schemaVersion\":1", "\"schemaVersion\":2").getBytes(), T0);

        assertThat(fx.dlq.readRecordsToList()).extracting(r -> header(r, EventHeaders.DLQ_ERROR))
                .containsExactly("UNKNOWN_EVENT_TYPE", "UNSUPPORTED_SCHEMA_VERSION");
        assertThat(fx.email.isEmpty()).isTrue();
        assertThat(fx.orderStates().get("15")).isNull();
    }

    @Test
    void recordWhoseKeyIsNotTheOrderIdIsDeadLettered() {
        EventEnvelope order = created(16, 1, T0, List.of(item(7, 1, "10.00")));
        fx.created.pipeInput("999", EventCodec.INSTANCE.encode(order), T0);

        assertThat(header(fx.dlq.readRecord(), EventHeaders.DLQ_ERROR))
                .isEqualTo(DecodeProcessor.KEY_MISMATCH);
        assertThat(fx.email.isEmpty()).isTrue();
        assertThat(fx.dedupedEventIds()).isEmpty();
    }

    @Test
    void anEventReadOnAnotherPartitionThanItsKeysIsDeadLetteredOnceTheCountIsKnown() {
        // the driver reads every input on partition 0: of three partitions, order 1's key hashes to 0
        // and order 2's to 2 (murmur2, as the relay's producer picks them)
        assertThat(InputPartitionCount.partitionOf("1", 3)).isZero();
        assertThat(InputPartitionCount.partitionOf("2", 3)).isEqualTo(2);
        EventEnvelope onItsPartition = created(1, 1, T0, List.of(item(7, 1, "10.00")));
        EventEnvelope elsewhere = created(2, 1, T0, List.of(item(7, 1, "10.00")));

        try (TopologyFixture three = TopologyFixture.withInputPartitions(3)) {
            three.send(onItsPartition);
            three.send(elsewhere);

            TestRecord<String, byte[]> dead = three.dlq.readRecord();
            assertThat(header(dead, EventHeaders.DLQ_ERROR)).isEqualTo(DecodeProcessor.WRONG_PARTITION);
            assertThat(header(dead, EventHeaders.DLQ_ERROR_MESSAGE))
                    .isEqualTo("record read on partition 0 but its key hashes to partition 2 of 3 (murmur2, the Java"
                            + " client's default): every event of an order must be on its key's partition");
            assertThat(dead.key()).isEqualTo("2");
            assertThat(three.dlq.isEmpty()).isTrue();
            assertThat(three.email.readValuesToList()).extracting(EmailMessage::sourceEventId)
                    .containsExactly(onItsPartition.eventId());
            assertThat(three.orderStates().get("1")).isNotNull();
            assertThat(three.orderStates().get("2")).as("refused before any state").isNull();
            assertThat(three.dedupedEventIds()).containsExactly(onItsPartition.eventId().toString());
        }
        // with one partition every key is on its own
        try (TopologyFixture one = TopologyFixture.withInputPartitions(1)) {
            one.send(elsewhere);

            assertThat(one.dlq.isEmpty()).isTrue();
            assertThat(one.orderStates().get("2")).isNotNull();
        }
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private void drainOutputs() {
        fx.email.readValuesToList();
        fx.notification.readValuesToList();
        fx.analytics.readValuesToList();
    }
}
