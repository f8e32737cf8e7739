package com.marketplace.streams.topology;

import com.marketplace.events.StoreNames;
import com.marketplace.streams.serde.AppSerdes;
import com.marketplace.streams.stats.OrderState;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The orders of {@code order-state-store} that are still partial (a status change arrived, the
 * creation not yet), by orderId, with the record time of their latest event in epoch milliseconds
 * (the timestamp of the record it came in, as stream time counts, or the task's stream time when the
 * record is older; not the event's own {@code changedAt}, which a held-back outbox or a client's
 * clock can set anywhere):
 * {@code partial-orders-store}. {@link PartialOrderPurge} sweeps this store instead of every order
 * ever stored, so a sweep costs what the partial orders cost, not what the order history does.
 *
 * <p>{@link OrderStatistics} keeps it up to date with each order's state in the same step, through
 * {@link #track}: an order is added while it is partial and removed when its creation completes it.
 * Orders are nearly always created before they change, so for most events nothing is written here.
 * The store lives in memory, restored from its changelog at start: it holds only orders whose
 * creation is late or lost, and only for the purge's retention. An entry may outlive its order's
 * partial state (the purge then drops it, as the order state decides), and the purge's background
 * pass adds a partial order the index missed, at the stream time it finds it.
 */
final class PartialOrders {

    private PartialOrders() {
    }

    /** The store: orderId → its latest event's stream time (epoch ms), in memory, with a changelog, no cache. */
    static StoreBuilder<KeyValueStore<String, Long>> storeBuilder(AppSerdes serdes) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.PARTIAL_ORDERS), serdes.string(),
                serdes.longs());
    }

    /**
     * Records in {@code partials} the move of order {@code orderId} from {@code before} (null: none) to
     * {@code after}, made by an event that came in a record stamped {@code recordTime}.
     */
    static void track(KeyValueStore<String, Long> partials, String orderId, OrderState before, OrderState after,
                      long recordTime) {
        if (isPartial(after)) {
            index(partials, orderId, recordTime);
        } else if (isPartial(before)) {
            partials.delete(orderId);
        }
    }

    /** Indexes partial order {@code orderId} at record time {@code recordTime} (epoch ms). */
    static void index(KeyValueStore<String, Long> partials, String orderId, long recordTime) {
        partials.put(orderId, recordTime);
    }

    /** Whether {@code state} is a partial order: one stored, with no creation yet. */
    static boolean isPartial(OrderState state) {
        return state != null && !state.isComplete();
    }
}
