package com.marketplace.gateway.order;

/** The order a create request resulted in; {@code replayed} when an earlier request with the same key made it. */
public record CreateOrderResult(Order order, boolean replayed) {
}
