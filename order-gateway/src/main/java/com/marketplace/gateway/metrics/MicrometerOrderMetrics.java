package com.marketplace.gateway.metrics;

import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.order.OrderMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Counts committed order changes as {@code order_creations_total} and
 * {@code order_status_changes_total{from,to}}. (A name ending in {@code _created} cannot be used: the
 * Prometheus client reserves that suffix and strips it, which would export {@code orders_total}.)
 */
public final class MicrometerOrderMetrics implements OrderMetrics {

    private final MeterRegistry registry;
    private final Counter created;

    public MicrometerOrderMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.created = Counter.builder("order_creations")
                .description("Orders created (committed)")
                .register(registry);
    }

    @Override
    public void orderCreated() {
        created.increment();
    }

    @Override
    public void statusChanged(OrderStatus from, OrderStatus to) {
        Counter.builder("order_status_changes")
                .description("Order status changes (committed)")
                .tag("from", from.name())
                .tag("to", to.name())
                .register(registry)
                .increment();
    }
}
