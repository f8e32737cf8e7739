package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.StoreNames;
import com.marketplace.streams.stats.OrderState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code order-state-store} bounded: an order that is still partial (a status change
 * arrived, its {@code OrderCreated} never did) and whose last event happened more than the
 * retention ago is deleted. A partial order counts in no statistic, so deleting it changes none;
 * without this it would stay forever.
 *
 * <p>The sweep runs on wall-clock time, every tenth of the retention (between 1 s and 10 min), and
 * purges the partial orders whose latest event was processed more than the retention before the
 * task's stream time (the newest record time it has read; the relay stamps a record when it sends
 * it), as stream time counted then: the time of the event's record, or the task's stream time when
 * that record was stamped further back. The records' time, not the wall clock: time that passes
 * while the app is stopped, or while it works off a backlog of its topics, brings no order nearer its
 * purge, so a creation that follows its order's status change in the topic by less than the
 * retention still finds it. Nor the events' own times ({@code changedAt}): an outbox held back for
 * longer than the retention sends old events in new records, whose creation would find its order's
 * change purged already, and a change stamped far ahead by its client would never be purged. A task
 * whose partitions receive no records purges nothing.
 *
 * <p>The sweep reads the partial orders from their own store ({@link PartialOrders}), not from the
 * order states: those hold every order ever created, and reading them all on the stream thread
 * costs 1–2 µs per stored order, so a sweep would hold processing up for longer every day, past
 * the exactly-once transaction timeout within hours at a few hundred orders a second. The index is
 * written in the same step as the states; what it can miss (partial orders stored by a version
 * without it, or a crash under {@code at_least_once} between the two stores' changelog writes) a
 * slow pass finds: every 5 seconds it reads the next {@value #STATES_PER_STEP} order states and
 * indexes any partial one missing, starting over at the end: 1,000 states a second, some 10 ms of
 * the stream thread every 5 seconds whatever the store's size. An entry the index holds decides:
 * after such a crash under {@code at_least_once} one may be older than its order's latest record
 * (the record read again changes no state, so it writes no entry), and that partial order is then
 * purged up to that much early.
 */
final class PartialOrderPurge extends ContextualProcessor<String, EventEnvelope, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(PartialOrderPurge.class);
    private static final Duration MIN_SWEEP = Duration.ofSeconds(1);
    private static final Duration MAX_SWEEP = Duration.ofMinutes(10);

    /**
     * Order states the index's background pass reads per step, one step every {@link #STEP}. Each
     * step's iterator copies the record cache's keys of the store (Kafka Streams' caching layer
     * does), so fewer, larger steps cost less than many small ones.
     */
    static final int STATES_PER_STEP = 5_000;
    static final Duration STEP = Duration.ofSeconds(5);

    private final Duration retention;
    private final int statesPerStep;
    private KeyValueStore<String, OrderState> store;
    private KeyValueStore<String, Long> partials;
    /** The first order state the next step reads; null: from the first. */
    private String nextState;

    PartialOrderPurge(Duration retention) {
        this(retention, STATES_PER_STEP);
    }

    PartialOrderPurge(Duration retention, int statesPerStep) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        if (statesPerStep < 1) {
            throw new IllegalArgumentException("states per step must be positive, was " + statesPerStep);
        }
        this.retention = retention;
        this.statesPerStep = statesPerStep;
    }

    static Duration sweepInterval(Duration retention) {
        Duration tenth = retention.dividedBy(10);
        return tenth.compareTo(MIN_SWEEP) < 0 ? MIN_SWEEP : tenth.compareTo(MAX_SWEEP) > 0 ? MAX_SWEEP : tenth;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        super.init(context);
        store = context.getStateStore(StoreNames.ORDER_STATE);
        partials = context.getStateStore(StoreNames.PARTIAL_ORDERS);
        context.schedule(sweepInterval(retention), PunctuationType.WALL_CLOCK_TIME, now -> purgeBehindStreamTime());
        context.schedule(STEP, PunctuationType.WALL_CLOCK_TIME, now -> indexMissedPartialOrders());
    }

    @Override
    public void process(Record<String, EventEnvelope> record) {
        // the sweep works on the stores alone
    }

    /** Deletes the partial orders whose latest event lies more than the retention behind the stream time. */
    private void purgeBehindStreamTime() {
        long streamTime = context().currentStreamTimeMs();
        if (streamTime >= 0) { // unknown (negative) until the task has read a record
            purgeOlderThan(Instant.ofEpochMilli(streamTime).minus(retention));
        }
    }

    /** Deletes the partial orders whose latest event's stream time is before {@code cutoff}; returns how many. */
    int purgeOlderThan(Instant cutoff) {
        long cutoffMillis = cutoff.toEpochMilli();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = partials.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (entry.value < cutoffMillis) {
                    expired.add(entry.key);
                }
            }
        }
        int purged = 0;
        for (String orderId : expired) {
            // the index moves with the order states in the same step; an order completed since is only unindexed
            if (PartialOrders.isPartial(store.get(orderId))) {
                store.delete(orderId);
                purged++;
            }
            partials.delete(orderId);
        }
        if (purged > 0) {
            log.info("purged {} partial orders whose creation never arrived (latest event read in a record before {})",
                    purged, cutoff);
        }
        return purged;
    }

    /**
     * One step of the background pass: reads the next {@code statesPerStep} order states and indexes
     * each partial one the index lacks, at the current stream time (its latest record's time is not
     * known: this gives it a whole retention from now, never less than its own); after the last state
     * the next step starts from the first. Returns how many states it read: none while the task has
     * no stream time yet.
     */
    int indexMissedPartialOrders() {
        long streamTime = context().currentStreamTimeMs();
        if (streamTime < 0) {
            return 0;
        }
        int read = 0;
        int indexed = 0;
        try (KeyValueIterator<String, OrderState> states =
                     nextState == null ? store.all() : store.range(nextState, null)) {
            while (read < statesPerStep && states.hasNext()) {
                KeyValue<String, OrderState> entry = states.next();
                read++;
                if (PartialOrders.isPartial(entry.value) && partials.get(entry.key) == null) {
                    PartialOrders.index(partials, entry.key, streamTime);
                    indexed++;
                }
            }
            nextState = states.hasNext() ? states.peekNextKey() : null;
        }
        if (indexed > 0) {
            log.info("indexed {} partial orders missing from {} for their purge", indexed, StoreNames.PARTIAL_ORDERS);
        }
        return read;
    }
}
