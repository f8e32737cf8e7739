package com.marketplace.events;

import java.math.BigDecimal;
import java.util.List;

/**
 * The payload of an order event. Every payload is self-contained: it carries the buyer, the
 * sellers and the amounts, so a consumer never needs to call back to the gateway.
 */
public sealed interface OrderEventPayload permits OrderCreated, OrderStatusChanged {

    EventType eventType();

    long orderId();

    String orderNumber();

    long buyerId();

    String buyerEmail();

    /** Distinct seller ids of the order's items, ascending. */
    List<Long> sellerIds();

    BigDecimal totalAmount();

    String currency();

    /** The order's status after this event. */
    OrderStatus status();
}
