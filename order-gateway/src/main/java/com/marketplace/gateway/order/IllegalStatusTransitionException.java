package com.marketplace.gateway.order;

import com.marketplace.events.OrderStatus;

/** The requested status change is not one of the legal transitions of {@link OrderStatus}. */
public class IllegalStatusTransitionException extends RuntimeException {

    public IllegalStatusTransitionException(long orderId, OrderStatus from, OrderStatus to) {
        super("order " + orderId + " cannot move from " + from + " to " + to);
    }
}
