package com.marketplace.faults;

import com.marketplace.events.Topics;
import com.marketplace.faults.TopicRecorder.Seen;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The end-to-end checks, computed from the database with plain SQL and from what the
 * {@link TopicRecorder} saw, never from the services' own view.
 *
 * <ul>
 *   <li>lost: an outbox event whose eventId never appeared on its own order topic (the one its
 *       type belongs on; and, with the streams app, one without an email, an analytics record or a
 *       notification to its buyer);</li>
 *   <li>raw duplicates: records on the order topics beyond the first of each eventId;</li>
 *   <li>output duplicates: records on an output topic beyond the first of each output
 *       ({@link TopicRecorder.Seen#id}: its source event, and a notification's recipient);</li>
 *   <li>ordering violations: on one topic, an order's events (the order as the outbox row names it,
 *       not as the record's key says) in the order of their first appearance compared with their
 *       outbox order; an order's records on two partitions count too, and so does every record
 *       whose key is not its event's order.</li>
 * </ul>
 */
public final class Audit {

    /** An outbox row: id (outbox order), eventId, order, type, status. */
    public record OutboxEvent(long id, String eventId, String orderId, String eventType, String status) {

        String topic() {
            return "OrderCreated".equals(eventType) ? Topics.ORDER_CREATED : Topics.ORDER_STATUS_CHANGED;
        }
    }

    /** The figures of one audit. */
    public record Figures(long events, long lostRaw, long rawDuplicates, long orderingViolations, long lostOutputs,
            long outputDuplicates, long notProcessed) {

        public long lost() {
            return Math.max(lostRaw, lostOutputs);
        }
    }

    private Audit() {
    }

    /** Every outbox row, in outbox order. */
    public static List<OutboxEvent> outbox(Connection conn) throws SQLException {
        List<OutboxEvent> events = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT id, event_id, aggregate_id, event_type, status FROM outbox_events ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                events.add(new OutboxEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5).trim()));
            }
        }
        return events;
    }

    /**
     * Waits until every outbox event is PROCESSED and seen on its topic (and, when {@code outputs},
     * has its outputs), or {@code timeout} passes.
     *
     * @return whether it got there
     */
    public static boolean awaitDelivered(Stack stack, TopicRecorder recorder, boolean outputs, Duration timeout)
            throws InterruptedException {
        return Wait.until(timeout, Duration.ofMillis(500), () -> {
            try (Connection conn = stack.db()) {
                Figures f = figures(outbox(conn), recorder.all(), outputs);
                return f.notProcessed() == 0 && f.lost() == 0;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    /**
     * Whether every outbox event with an id up to {@code lastId} is on its topic and has its email,
     * analytics and buyer notification records: what was committed by some moment has come out of the pipeline.
     */
    public static boolean deliveredUpTo(Stack stack, TopicRecorder recorder, long lastId) throws SQLException {
        try (Connection conn = stack.db()) {
            List<OutboxEvent> upTo = outbox(conn).stream().filter(e -> e.id() <= lastId).toList();
            return figures(upTo, recorder.all(), true).lost() == 0;
        }
    }

    /** The figures for the current database and records. */
    public static Figures figures(Stack stack, TopicRecorder recorder, boolean outputs)
            throws SQLException, InterruptedException {
        try (Connection conn = stack.db()) {
            return figures(outbox(conn), recorder.allToTheEnd(), outputs);
        }
    }

    /**
     * The records on the order topics beyond the first of their eventId whose outbox row is not one
     * of {@code outboxIds}: duplicates the rows a fault caught (a dead or frozen relay's) do not
     * explain. A count of duplicates alone would let rows sent twice for no reason pass beside them.
     */
    public static long rawDuplicatesOutside(Stack stack, TopicRecorder recorder, Set<String> outboxIds)
            throws SQLException, InterruptedException {
        try (Connection conn = stack.db()) {
            return rawDuplicatesOutside(outbox(conn), recorder.allToTheEnd(), outboxIds);
        }
    }

    static long rawDuplicatesOutside(List<OutboxEvent> outbox, List<Seen> records, Set<String> outboxIds) {
        Set<String> explained = new HashSet<>();
        outbox.stream().filter(e -> outboxIds.contains(Long.toString(e.id()))).forEach(e -> explained.add(e.eventId()));
        List<Seen> unexplained = records.stream()
                .filter(r -> Topics.ORDER_EVENT_TOPICS.contains(r.topic()) && !explained.contains(r.id())).toList();
        return duplicates(unexplained);
    }

    static Figures figures(List<OutboxEvent> outbox, List<Seen> records, boolean outputs) {
        Map<String, List<Seen>> byTopic = new HashMap<>();
        records.forEach(r -> byTopic.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
        List<Seen> raw = new ArrayList<>();
        Topics.ORDER_EVENT_TOPICS.forEach(t -> raw.addAll(byTopic.getOrDefault(t, List.of())));
        Set<String> rawIds = new HashSet<>();
        raw.forEach(r -> rawIds.add(r.topic() + "/" + r.id()));
        long lostRaw = outbox.stream().filter(e -> !rawIds.contains(e.topic() + "/" + e.eventId())).count();
        long notProcessed = outbox.stream().filter(e -> !"PROCESSED".equals(e.status())).count();
        long lostOutputs = 0;
        long outputDuplicates = -1;
        if (outputs) {
            Set<String> emailed = sources(byTopic.getOrDefault(Topics.EMAIL, List.of()));
            Set<String> analysed = sources(byTopic.getOrDefault(Topics.ANALYTICS, List.of()));
            Set<String> buyerNotified = sources(byTopic.getOrDefault(Topics.NOTIFICATION, List.of()).stream()
                    .filter(Audit::toTheBuyer).toList());
            lostOutputs = outbox.stream().filter(e -> !emailed.contains(e.eventId())
                    || !analysed.contains(e.eventId()) || !buyerNotified.contains(e.eventId())).count();
            outputDuplicates = 0;
            for (String topic : List.of(Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS)) {
                outputDuplicates += duplicates(byTopic.getOrDefault(topic, List.of()));
            }
        }
        return new Figures(outbox.size(), lostRaw, duplicates(raw), orderingViolations(outbox, raw), lostOutputs,
                outputDuplicates, notProcessed);
    }

    /** A notification to the event's buyer, which every event has (a creation notifies its sellers too). */
    private static boolean toTheBuyer(Seen notification) {
        return notification.id().startsWith(notification.sourceEventId() + "/BUYER/");
    }

    private static Set<String> sources(List<Seen> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(r.sourceEventId()));
        return ids;
    }

    /** Records beyond the first of each id. */
    static long duplicates(List<Seen> records) {
        Set<String> ids = new HashSet<>();
        return records.stream().filter(r -> !ids.add(r.id())).count();
    }

    /**
     * Per topic and order (the outbox row's order): the events in the order of their first appearance
     * (by offset) must be in outbox order; every event that appears after a later one is a violation,
     * and so is every extra partition an order's records are spread over and every record whose key
     * is not its order.
     */
    static long orderingViolations(List<OutboxEvent> outbox, List<Seen> raw) {
        Map<String, OutboxEvent> byEventId = new HashMap<>();
        outbox.forEach(e -> byEventId.put(e.eventId(), e));
        Map<String, List<Seen>> byTopicAndOrder = new LinkedHashMap<>();
        long violations = 0;
        for (Seen r : raw) {
            OutboxEvent event = byEventId.get(r.id());
            String order = event == null ? r.key() : event.orderId();
            if (event != null && !order.equals(r.key())) {
                violations++; // keyed by something else, it may land on any partition and pass its order's events
            }
            byTopicAndOrder.computeIfAbsent(r.topic() + "/" + order, k -> new ArrayList<>()).add(r);
        }
        for (List<Seen> records : byTopicAndOrder.values()) {
            Map<Integer, List<Seen>> byPartition = new HashMap<>();
            records.forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
            violations += byPartition.size() - 1; // every extra partition the order is spread over
            // offsets order records within a partition only
            for (List<Seen> partition : byPartition.values()) {
                violations += outOfOrder(partition, byEventId);
            }
        }
        return violations;
    }

    /** Events of one order on one partition that first appear after an event the outbox wrote later. */
    private static long outOfOrder(List<Seen> records, Map<String, OutboxEvent> byEventId) {
        long violations = 0;
        Set<String> first = new HashSet<>();
        long highest = Long.MIN_VALUE;
        for (Seen r : records.stream().sorted(Comparator.comparingLong(Seen::offset)).toList()) {
            OutboxEvent event = byEventId.get(r.id());
            if (event == null || !first.add(r.id())) {
                continue;
            }
            if (event.id() < highest) {
                violations++;
            }
            highest = Math.max(highest, event.id());
        }
        return violations;
    }

    /** Polling with a deadline. */
    public static final class Wait {

        private Wait() {
        }

        /** Polls {@code condition} every {@code every} until it holds or {@code timeout} passes. */
        public static boolean until(Duration timeout, Duration every, BooleanSupplier condition)
                throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (condition.getAsBoolean()) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(every.toMillis());
            }
        }
    }
}
