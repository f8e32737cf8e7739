package com.marketplace.streams.dedupe;

import com.marketplace.events.StoreNames;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Builds {@code dedupe-store}: eventId → the record it was first seen in (offset and topic,
 * {@link DedupeProcessor#sourceOf}), in the window of that record's timestamp; windows expire after
 * the retention.
 */
public final class DedupeStore {

    private DedupeStore() {
    }

    /**
     * A persistent, changelogged window store whose window size and retention are both
     * {@code retention}; old segments are dropped as stream time passes.
     */
    public static StoreBuilder<WindowStore<String, Long>> builder(Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(StoreNames.DEDUPE, retention, retention, false),
                Serdes.String(), Serdes.Long());
    }
}
