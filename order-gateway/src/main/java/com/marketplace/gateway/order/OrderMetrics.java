package com.marketplace.gateway.order;

import com.marketplace.events.OrderStatus;

/** Told about committed order changes, for counting. Implementations must be cheap and must not throw. */
public interface OrderMetrics {

    /** Counts nothing. */
    OrderMetrics NONE = new OrderMetrics() {
        @Override
        public void orderCreated() {
        }

        @Override
        public void statusChanged(OrderStatus from, OrderStatus to) {
        }
    };

    void orderCreated();

    void statusChanged(OrderStatus from, OrderStatus to);
}
