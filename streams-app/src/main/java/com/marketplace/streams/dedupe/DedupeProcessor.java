package com.marketplace.streams.dedupe;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an order event only the first time its {@code eventId} is seen within the retention
 * period; a repeat within retention is dropped.
 *
 * <p>The store ({@link StoreNames#DEDUPE}) is a window store keyed by eventId, in the window of the
 * task's stream time when the event was first seen (the newest record time the task has read, never
 * older than that record's own; at the record's own time, a record stamped further back than the
 * retention would fall into an expired segment, neither found nor stored), holding that record's
 * offset and topic ({@link #sourceOf}). Its
 * segments expire with stream time, so the store holds at most one retention period of eventIds and
 * never grows without bound. An event is a duplicate when the same eventId was seen within
 * {@code retention} of that time in another record.
 *
 * <p><b>The same record read again</b> is not a duplicate. Under {@code at_least_once} the store
 * writes its changelog at once while the order's state and statistics sit in the record cache until
 * the commit (or until the cache, full, writes some of them out, each store on its own), so after a
 * crash the store can remember an event whose effects were lost, in part or whole, and the
 * records since the last commit are read again. Such a record is the one the store names, and under
 * {@code at_least_once} it is processed again (at least once, as that guarantee promises) instead of
 * dropped for good. Under {@code exactly_once_v2} a crash rolls the store back with everything else,
 * so every hit is a duplicate there. (Entries written by a version that stored the timestamp never
 * name a real record: those events are treated as before.)
 *
 * <p><b>Assumption:</b> duplicates carry the same record key (the orderId, checked upstream by the
 * decoder) and are published to the same topic (one topic per event type), so they land in the
 * same partition and therefore in the same task and the same store instance. No repartitioning
 * happens before this processor.
 *
 * <p><b>Assumption:</b> the task reads its two input topics in timestamp order (Kafka Streams'
 * default {@code max.task.idle.ms} of 0, set in {@code StreamsAppConfig}). The store's stream time is
 * the newest timestamp put into it from either topic, and a fetch sees nothing older than stream time
 * minus the retention. If one topic ran ahead of the other by close to a retention, a copy on the
 * lagging topic would find its original already out of reach and pass as a new event. For the same
 * reason a record stamped ahead of the present shortens the retention of the eventIds before it by
 * as much; the order topics refuse a timestamp more than an hour ahead of the broker's clock
 * ({@code TopicProvisioner.MAX_TIMESTAMP_AHEAD} when the pipeline creates them, and Kafka 4's broker
 * default; a topic created otherwise on an older broker has no such bound).
 *
 * <p>Every dropped duplicate is recorded on a Kafka Streams sensor of the task: metric
 * {@value #DROPPED_METRIC} (and {@code dropped-duplicates-rate}) in group {@value #METRICS_GROUP},
 * so the count is part of the client's metrics without the topology knowing any metrics library.
 */
public final class DedupeProcessor implements FixedKeyProcessor<String, EventEnvelope, EventEnvelope> {

    private static final Logger log = LoggerFactory.getLogger(DedupeProcessor.class);

    /** Scope of the drop sensor; Kafka Streams names its metrics group {@code stream-<scope>-metrics}. */
    public static final String METRICS_SCOPE = "dedupe";
    /** The metrics group holding the drop count. */
    public static final String METRICS_GROUP = "stream-" + METRICS_SCOPE + "-metrics";
    /** The cumulative number of duplicates dropped, per task. */
    public static final String DROPPED_METRIC = "dropped-duplicates-total";
    private static final String DROPPED_OPERATION = "dropped-duplicates";

    /** The source of a record whose metadata is not known (never matches a stored one). */
    private static final long NO_SOURCE = -1;

    private final Duration retention;
    private final boolean reprocessReadAgain;
    private FixedKeyProcessorContext<String, EventEnvelope> context;
    private WindowStore<String, Long> seen;
    private Sensor dropped;
    private final DroppedDuplicates drops;

    /**
     * @param retention how long an eventId is remembered
     * @throws IllegalArgumentException when retention is not positive
     */
    DedupeProcessor(Duration retention) {
        this(retention, false, new DroppedDuplicates());
    }

    /**
     * @param retention          how long an eventId is remembered
     * @param reprocessReadAgain whether the record that first carried an eventId, read again, is
     *                           processed again: under {@code at_least_once} (see the class comment);
     *                           never under {@code exactly_once_v2}, where a record is read again only
     *                           after its effects were rolled back (or the group's offsets were moved
     *                           back by hand, and then it is a duplicate)
     * @param drops              where each dropped duplicate is counted too, beside the task's sensor
     * @throws IllegalArgumentException when retention is not positive
     */
    public DedupeProcessor(Duration retention, boolean reprocessReadAgain, DroppedDuplicates drops) {
        this.retention = requireValidRetention(retention);
        this.reprocessReadAgain = reprocessReadAgain;
        this.drops = Objects.requireNonNull(drops, "drops");
    }

    /**
     * @return {@code retention} when it is positive
     * @throws IllegalArgumentException otherwise
     */
    public static Duration requireValidRetention(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("dedupe retention must be positive, was " + retention);
        }
        return retention;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, EventEnvelope> context) {
        this.context = context;
        this.seen = context.getStateStore(StoreNames.DEDUPE);
        this.dropped = context.metrics().addRateTotalSensor(METRICS_SCOPE, context.taskId().toString(),
                DROPPED_OPERATION, Sensor.RecordingLevel.INFO);
    }

    @Override
    public void close() {
        if (dropped != null) {
            context.metrics().removeSensor(dropped);
            dropped = null;
        }
    }

    @Override
    public void process(FixedKeyRecord<String, EventEnvelope> record) {
        String eventId = record.value().eventId().toString();
        long source = context.recordMetadata().map(DedupeProcessor::sourceOf).orElse(NO_SOURCE);
        // at the task's stream time, not the record's own: a record stamped further back than the
        // retention could be neither found nor stored at its own time (its segment has expired)
        long at = Math.max(record.timestamp(), context.currentStreamTimeMs());
        Long firstSource = firstSeenIn(eventId, at);
        if (firstSource == null) {
            seen.put(eventId, source, at);
        } else if (reprocessReadAgain && source != NO_SOURCE && firstSource == source) {
            log.debug("event {} of order {} read again from the record that first carried it (after a crash):"
                    + " processing it again", eventId, record.key());
        } else {
            log.debug("dropping duplicate event {} of order {}", eventId, record.key());
            dropped.record();
            drops.add();
            return;
        }
        context.forward(record);
    }

    /**
     * The record, as stored: its offset and which of the task's two input topics it came from (the
     * offsets of the two run side by side), {@code offset * 2 + (status changes ? 1 : 0)}.
     */
    static long sourceOf(RecordMetadata metadata) {
        return metadata.offset() * 2 + (Topics.ORDER_STATUS_CHANGED.equals(metadata.topic()) ? 1 : 0);
    }

    /**
     * The stored source ({@link #sourceOf}) of the record that first carried {@code eventId} less than
     * the retention period before or after {@code timestamp}, or null when none did. (The store reads
     * no further back than its own time less the retention, plus one millisecond: a look-up from
     * further back would find a copy exactly one retention old only until any other eventId is stored
     * at {@code timestamp}.)
     */
    private Long firstSeenIn(String eventId, long timestamp) {
        long from = Math.max(0, timestamp - retention.toMillis() + 1);
        try (WindowStoreIterator<Long> hits = seen.fetch(eventId, from, timestamp + retention.toMillis())) {
            return hits.hasNext() ? hits.next().value : null;
        }
    }
}
