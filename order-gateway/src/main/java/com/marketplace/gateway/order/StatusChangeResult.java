package com.marketplace.gateway.order;

import com.marketplace.events.OrderStatus;

/** The order after a status request and the status it had before. */
public record StatusChangeResult(Order order, OrderStatus previousStatus) {

    /** False when the order already had the requested status (no-op, no event). */
    public boolean changed() {
        return previousStatus != order.status();
    }
}
