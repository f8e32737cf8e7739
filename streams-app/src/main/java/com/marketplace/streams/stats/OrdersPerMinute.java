package com.marketplace.streams.stats;

import com.marketplace.kafka.topics.TopicProvisioner;
import java.time.Duration;
import java.time.Instant;

/**
 * Parameters of {@code orders-per-minute-store}: a windowed count of created orders, windows of
 * one minute by the order's {@code createdAt}, retained 24 hours. Each task counts the orders of
 * its own input partition under the key {@link #KEY}; a query adds the partitions' counts of each
 * window. A creation is counted as long as its window is still retained, and unless it lies more
 * than {@link #MAX_AHEAD_OF_STREAM_TIME} in the future of its partition's records.
 */
public final class OrdersPerMinute {

    /** The key all created orders are counted under; queries fetch this key. */
    public static final String KEY = "orders";
    public static final Duration WINDOW = Duration.ofMinutes(1);
    public static final Duration RETENTION = Duration.ofHours(24);
    /**
     * How far an order's {@code createdAt} may lie ahead of its partition's stream time (the newest
     * record timestamp the task has seen: when the relay sent the event) and still be counted. The
     * store takes the newest window it is given for the present and drops every window older than a
     * day before it, so a single creation dated in the future (its gateway's clock running ahead of
     * the relay that sent it, a hand-made event) would erase the partition's counts and keep every
     * later one out. Stream time itself can run ahead of the present by no more than the order
     * topics let a record's timestamp ({@code TopicProvisioner.MAX_TIMESTAMP_AHEAD}, an hour, on topics
     * the pipeline created or any Kafka 4 broker), far less than the day the store keeps.
     */
    public static final Duration MAX_AHEAD_OF_STREAM_TIME = Duration.ofMinutes(1);
    /**
     * How far back a query is answered: the windows every partition still holds. A partition drops
     * windows a day older than the newest one it was given, which may lie ahead of the present by as
     * much as its stream time may ({@link TopicProvisioner#MAX_TIMESTAMP_AHEAD}, a record stamped by a
     * relay whose clock runs ahead), plus {@link #MAX_AHEAD_OF_STREAM_TIME}, and into the next window;
     * older windows may be gone from one partition and kept by another, and their sum would be partial.
     */
    public static final Duration QUERYABLE = RETENTION.minus(TopicProvisioner.MAX_TIMESTAMP_AHEAD)
            .minus(MAX_AHEAD_OF_STREAM_TIME).minus(WINDOW);

    private OrdersPerMinute() {
    }

    /** The start, in epoch milliseconds, of the window {@code createdAt} falls in. */
    public static long windowStart(Instant createdAt) {
        long millis = createdAt.toEpochMilli();
        return millis - Math.floorMod(millis, WINDOW.toMillis());
    }
}
