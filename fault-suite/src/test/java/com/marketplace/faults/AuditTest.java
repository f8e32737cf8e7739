package com.marketplace.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit.OutboxEvent;
import com.marketplace.faults.TopicRecorder.Seen;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The audit judges by the outbox rows and the records' own content, not by what the relay chose. */
class AuditTest {

    private static final List<OutboxEvent> OUTBOX = List.of(
            new OutboxEvent(1, "e1", "7", "OrderCreated", "PROCESSED"),
            new OutboxEvent(2, "e2", "7", "OrderStatusChanged", "PROCESSED"),
            new OutboxEvent(3, "e3", "7", "OrderStatusChanged", "PROCESSED"));

    @Test
    void eventsOnTheirTopicsInOrderUnderTheirOrdersKeyPass() {
        Audit.Figures f = Audit.figures(OUTBOX, withRawInOrder(), false);

        assertThat(f.lostRaw()).isZero();
        assertThat(f.rawDuplicates()).isZero();
        assertThat(f.orderingViolations()).isZero();
    }

    @Test
    void anOrdersEventsOnOnePartitionOutOfOutboxOrderAreAViolation() {
        Audit.Figures f = Audit.figures(OUTBOX, List.of(
                raw(Topics.ORDER_CREATED, 0, 0, "7", "e1"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 0, "7", "e3"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 1, "7", "e2")), false);

        assertThat(f.orderingViolations()).isEqualTo(1);
    }

    @Test
    void anEventOnTheOtherOrderTopicIsLost() {
        Audit.Figures f = Audit.figures(OUTBOX, List.of(
                raw(Topics.ORDER_CREATED, 0, 0, "7", "e1"),
                raw(Topics.ORDER_CREATED, 0, 1, "7", "e2"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 0, "7", "e3")), false);

        assertThat(f.lostRaw()).isEqualTo(1);
    }

    @Test
    void recordsKeyedByAnythingButTheirOrderAreViolationsEvenWhenEachKeyLooksOrdered() {
        // keyed by eventId: one record per key, so a check grouping by key alone would see no order at all
        Audit.Figures f = Audit.figures(OUTBOX, List.of(
                raw(Topics.ORDER_CREATED, 0, 0, "e1", "e1"),
                raw(Topics.ORDER_STATUS_CHANGED, 1, 0, "e3", "e3"),
                raw(Topics.ORDER_STATUS_CHANGED, 2, 0, "e2", "e2")), false);

        // three keys that are not the order, and the order's two status changes spread over two partitions
        assertThat(f.orderingViolations()).isEqualTo(4);
    }

    @Test
    void twoOutputsOfOneKindForOneEventAreDuplicatesWhateverTheirOwnIds() {
        List<Seen> records = withRawInOrder(
                output(Topics.EMAIL, 0, "e1"), output(Topics.EMAIL, 1, "e1"),
                output(Topics.EMAIL, 2, "e2"), output(Topics.EMAIL, 3, "e3"),
                output(Topics.ANALYTICS, 0, "e1"), output(Topics.ANALYTICS, 1, "e2"), output(Topics.ANALYTICS, 2, "e3"),
                notification(0, "e1", "BUYER/1"), notification(1, "e1", "SELLER/5"), notification(2, "e1", "SELLER/5"),
                notification(3, "e2", "BUYER/1"), notification(4, "e3", "BUYER/1"));

        Audit.Figures f = Audit.figures(OUTBOX, records, true);

        assertThat(f.lostOutputs()).isZero();
        assertThat(f.outputDuplicates()).as("a second email of e1, a second notification of e1 to seller 5")
                .isEqualTo(2);
    }

    @Test
    void anEventWithoutItsBuyersNotificationLostAnOutput() {
        List<Seen> records = withRawInOrder(
                output(Topics.EMAIL, 0, "e1"), output(Topics.EMAIL, 1, "e2"), output(Topics.EMAIL, 2, "e3"),
                output(Topics.ANALYTICS, 0, "e1"), output(Topics.ANALYTICS, 1, "e2"), output(Topics.ANALYTICS, 2, "e3"),
                notification(0, "e1", "BUYER/1"), notification(1, "e2", "BUYER/1"), notification(2, "e3", "SELLER/5"));

        Audit.Figures f = Audit.figures(OUTBOX, records, true);

        assertThat(f.lostOutputs()).as("e3 has a notification, but not its buyer's").isEqualTo(1);
        assertThat(f.lost()).isEqualTo(1);
    }

    @Test
    void onlyDuplicatesOfTheRowsAFaultCaughtAreExplained() {
        List<Seen> records = List.of(
                raw(Topics.ORDER_CREATED, 0, 0, "7", "e1"), raw(Topics.ORDER_CREATED, 0, 1, "7", "e1"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 0, "7", "e2"), raw(Topics.ORDER_STATUS_CHANGED, 0, 1, "7", "e2"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 2, "7", "e2"), raw(Topics.ORDER_STATUS_CHANGED, 0, 3, "7", "e3"));

        assertThat(Audit.rawDuplicatesOutside(OUTBOX, records, Set.of("1"))).as("e2 sent three times, row 2 not held")
                .isEqualTo(2);
        assertThat(Audit.rawDuplicatesOutside(OUTBOX, records, Set.of("1", "2"))).isZero();
    }

    /** {@code more} after the outbox's three events, each once on its topic in outbox order under its order's key. */
    private static List<Seen> withRawInOrder(Seen... more) {
        List<Seen> records = new ArrayList<>(List.of(
                raw(Topics.ORDER_CREATED, 0, 0, "7", "e1"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 0, "7", "e2"),
                raw(Topics.ORDER_STATUS_CHANGED, 0, 1, "7", "e3")));
        records.addAll(List.of(more));
        return records;
    }

    private static Seen raw(String topic, int partition, long offset, String key, String eventId) {
        return new Seen(topic, partition, offset, key, eventId, eventId);
    }

    /** An output as {@link TopicRecorder} reads it, with an output id of its own that differs every time. */
    private static Seen output(String topic, long offset, String source) {
        String idField = Topics.EMAIL.equals(topic) ? "\"emailId\":\"" + UUID.randomUUID() + "\"," : "";
        return TopicRecorder.describe(new ConsumerRecord<>(topic, 0, offset, "7",
                ("{" + idField + "\"sourceEventId\":\"" + source + "\",\"orderId\":7}").getBytes(StandardCharsets.UTF_8)));
    }

    private static Seen notification(long offset, String source, String recipient) {
        String[] parts = recipient.split("/");
        return TopicRecorder.describe(new ConsumerRecord<>(Topics.NOTIFICATION, 0, offset, "7",
                ("{\"notificationId\":\"" + UUID.randomUUID() + "\",\"sourceEventId\":\"" + source
                        + "\",\"recipientType\":\"" + parts[0] + "\",\"recipientId\":" + parts[1] + "}")
                        .getBytes(StandardCharsets.UTF_8)));
    }
}
