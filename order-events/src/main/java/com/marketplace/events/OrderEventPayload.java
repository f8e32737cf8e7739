package com.marketplace.events;

import java.math.BigDecimal;
import java.util.List;

/**
 * The payload of an order event. Every payload is self-contained: it carries the buyer, the
 * sellers and the amounts, so a consumer never needs to call back to the gateway.
 */
public sealed interface OrderEventPayload permits OrderCreated, OrderStatusChanged {

    /*
     * Text fields and lists are bounded because the streams app copies them into its outputs and
     * state values: an event of a megabyte that is nearly all e-mail address, or a list of a hundred
     * thousand sellers (a few kilobytes on the topic once compressed), would make an output or
     * changelog record larger than the producer takes, which fails the exactly-once transaction on
     * every instance that takes the task over.
     */

    /** The most items an order has, and so the most sellers: what the gateway accepts. */
    int MAX_ITEMS = 100;

    /** The longest {@link #buyerEmail()}: RFC 5321's path limit, what the gateway accepts and stores. */
    int MAX_BUYER_EMAIL_LENGTH = 254;
    /** The longest {@link #orderNumber()}: the gateway's column. */
    int MAX_ORDER_NUMBER_LENGTH = 40;

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
