package com.marketplace.streams.topology;

import com.marketplace.streams.stats.ContributionChange;
import com.marketplace.streams.stats.OrderContributions;
import com.marketplace.streams.stats.OrderState;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Turns order-state updates into changes of what the order contributes to its buyer's and its
 * sellers' statistics, re-keyed by the party's id. It keeps each order's current contributions in
 * {@value #STORE} (same task as the order: keyed by orderId, no repartition), so an update that
 * changes no contribution sends nothing on: only the creation and a cancellation do; PAID,
 * SHIPPED and DELIVERED do not. The statistics are then the sum of the changes, which equals the
 * sum over the orders' current states whatever order or batching the updates come in.
 */
final class ContributionChanges extends ContextualProcessor<String, OrderState, Long, PartyChange> {

    /** Internal store: orderId → that order's current contributions. */
    static final String STORE = "order-contributions-store";

    private KeyValueStore<String, OrderContributions> store;

    /** A supplier connected to {@value #STORE}, whose values {@code serde} writes. */
    static ProcessorSupplier<String, OrderState, Long, PartyChange> supplier(Serde<OrderContributions> serde) {
        StoreBuilder<KeyValueStore<String, OrderContributions>> storeBuilder = Stores
                .keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), serde)
                .withCachingEnabled();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, OrderState, Long, PartyChange> get() {
                return new ContributionChanges();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(storeBuilder);
            }
        };
    }

    @Override
    public void init(ProcessorContext<Long, PartyChange> context) {
        super.init(context);
        store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, OrderState> record) {
        OrderContributions before = Objects.requireNonNullElse(store.get(record.key()), OrderContributions.NONE);
        OrderContributions after = OrderContributions.of(record.value());
        if (after.equals(before)) {
            return;
        }
        OrderContributions.buyerChanges(before, after)
                .forEach((buyer, change) -> forward(record, buyer, PartyChange.Party.BUYER, change));
        OrderContributions.sellerChanges(before, after)
                .forEach((seller, change) -> forward(record, seller, PartyChange.Party.SELLER, change));
        if (after.equals(OrderContributions.NONE)) {
            store.delete(record.key());
        } else {
            store.put(record.key(), after);
        }
    }

    private void forward(Record<String, OrderState> record, long party, PartyChange.Party kind,
                         ContributionChange change) {
        context().forward(record.withKey(party).withValue(new PartyChange(kind, change)));
    }
}
