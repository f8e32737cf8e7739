package com.marketplace.gateway.order;

/**
 * An order could not be inserted because a row with its id exists already: a gateway that still
 * numbers orders through the table's AUTO_INCREMENT took it (see {@link OrderIds}). The transaction
 * is rolled back; the order is retried with another id.
 */
public class OrderIdTakenException extends RuntimeException {

    public OrderIdTakenException(long orderId, Throwable cause) {
        super("order id " + orderId + " is taken", cause);
    }
}
