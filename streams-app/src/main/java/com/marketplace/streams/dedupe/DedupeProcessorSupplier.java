package com.marketplace.streams.dedupe;

import com.marketplace.events.EventEnvelope;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/** Supplies {@link DedupeProcessor}s and connects them to {@code dedupe-store}. */
public final class DedupeProcessorSupplier implements FixedKeyProcessorSupplier<String, EventEnvelope, EventEnvelope> {

    private final Duration retention;
    private final boolean reprocessReadAgain;
    private final DroppedDuplicates drops;
    private final StoreBuilder<?> store;

    /** @throws IllegalArgumentException when retention is not positive */
    public DedupeProcessorSupplier(Duration retention) {
        this(retention, false, new DroppedDuplicates());
    }

    /**
     * @param reprocessReadAgain see {@link DedupeProcessor#DedupeProcessor(Duration, boolean, DroppedDuplicates)}
     * @param drops              counts the duplicates every processor of the topology drops
     * @throws IllegalArgumentException when retention is not positive
     */
    public DedupeProcessorSupplier(Duration retention, boolean reprocessReadAgain, DroppedDuplicates drops) {
        this.retention = DedupeProcessor.requireValidRetention(retention);
        this.reprocessReadAgain = reprocessReadAgain;
        this.drops = Objects.requireNonNull(drops, "drops");
        this.store = DedupeStore.builder(retention);
    }

    @Override
    public FixedKeyProcessor<String, EventEnvelope, EventEnvelope> get() {
        return new DedupeProcessor(retention, reprocessReadAgain, drops);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(store);
    }
}
