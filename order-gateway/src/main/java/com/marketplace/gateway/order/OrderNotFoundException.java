package com.marketplace.gateway.order;

/** No order has the requested id. */
public class OrderNotFoundException extends RuntimeException {

    public OrderNotFoundException(long orderId) {
        super("order " + orderId + " does not exist");
    }
}
