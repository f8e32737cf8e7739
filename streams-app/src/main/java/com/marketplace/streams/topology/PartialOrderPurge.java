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
 * compares with each state's {@code updatedAt}, the time of its latest event. Reprocessing events
 * older than the retention can therefore purge a partial order whose creation is still on its way;
 * choose a retention longer than any replay (the default equals the dedupe retention's).
 *
 * <p>It reads the partial orders from their own store ({@link PartialOrders}), not from the order
 * states: those hold every order ever created, and a scan of them all on the stream thread every
 * ten minutes grows with the history (about 1–2 µs per stored order, so seconds per million)
 * and would hold up processing for longer every day. The order states are scanned once only, to
 * index the partial orders a store written without the index already holds.
 */
final class PartialOrderPurge extends ContextualProcessor<String, EventEnvelope, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(PartialOrderPurge.class);
    private static final Duration MIN_SWEEP = Duration.ofSeconds(1);
    private static final Duration MAX_SWEEP = Duration.ofMinutes(10);

    private final Duration retention;
    private KeyValueStore<String, OrderState> store;
    private KeyValueStore<String, Long> partials;

    PartialOrderPurge(Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.retention = retention;
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
        context.schedule(sweepInterval(retention), PunctuationType.WALL_CLOCK_TIME,
                now -> purgeOlderThan(Instant.ofEpochMilli(now).minus(retention)));
    }

    @Override
    public void process(Record<String, EventEnvelope> record) {
        // the sweep works on the stores alone
    }

    /** Deletes the partial orders whose latest event is before {@code cutoff}; returns how many. */
    int purgeOlderThan(Instant cutoff) {
        if (partials.get(PartialOrders.INDEX_BUILT) == null) {
            indexExistingPartialOrders();
        }
        long cutoffMillis = cutoff.toEpochMilli();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = partials.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (!entry.key.equals(PartialOrders.INDEX_BUILT) && entry.value < cutoffMillis) {
                    expired.add(entry.key);
                }
            }
        }
        int purged = 0;
        for (String orderId : expired) {
            // the index moves with the order states in the same step; the state itself decides anyway
            OrderState state = store.get(orderId);
            if (!PartialOrders.isPartial(state)) {
                partials.delete(orderId);
            } else if (state.updatedAt().toEpochMilli() < cutoffMillis) {
                store.delete(orderId);
                partials.delete(orderId);
                purged++;
            } else {
                partials.put(orderId, state.updatedAt().toEpochMilli());
            }
        }
        if (purged > 0) {
            log.info("purged {} partial orders whose creation never arrived (latest event before {})", purged, cutoff);
        }
        return purged;
    }

    /** Indexes the partial orders of the order states, once per store: one scan of every order. */
    private void indexExistingPartialOrders() {
        int indexed = 0;
        try (KeyValueIterator<String, OrderState> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, OrderState> entry = all.next();
                if (PartialOrders.isPartial(entry.value)) {
                    partials.put(entry.key, entry.value.updatedAt().toEpochMilli());
                    indexed++;
                }
            }
        }
        partials.put(PartialOrders.INDEX_BUILT, 0L);
        log.info("indexed {} partial orders of {} for their purge (once per store)", indexed, StoreNames.ORDER_STATE);
    }
}
