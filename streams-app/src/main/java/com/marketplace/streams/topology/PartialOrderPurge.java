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
 */
final class PartialOrderPurge extends ContextualProcessor<String, EventEnvelope, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(PartialOrderPurge.class);
    private static final Duration MIN_SWEEP = Duration.ofSeconds(1);
    private static final Duration MAX_SWEEP = Duration.ofMinutes(10);

    private final Duration retention;
    private KeyValueStore<String, OrderState> store;

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
        context.schedule(sweepInterval(retention), PunctuationType.WALL_CLOCK_TIME,
                now -> purgeOlderThan(Instant.ofEpochMilli(now).minus(retention)));
    }

    @Override
    public void process(Record<String, EventEnvelope> record) {
        // the sweep works on the store alone
    }

    /** Deletes the partial orders whose latest event is before {@code cutoff}; returns how many. */
    int purgeOlderThan(Instant cutoff) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, OrderState> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, OrderState> entry = all.next();
                if (isExpiredPartial(entry.value, cutoff)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(store::delete);
        if (!expired.isEmpty()) {
            log.info("purged {} partial orders whose creation never arrived (latest event before {})", expired.size(),
                    cutoff);
        }
        return expired.size();
    }

    private static boolean isExpiredPartial(OrderState state, Instant cutoff) {
        return state != null && !state.isComplete() && state.updatedAt() != null && state.updatedAt().isBefore(cutoff);
    }
}
