package com.marketplace.gateway.order;

import java.math.BigDecimal;
import java.util.List;

/**
 * A request to create an order exactly as the client sent it: any field may be missing (null).
 * {@link OrderValidator#validate(NewOrderRequest)} turns it into a {@link NewOrder} or reports every problem.
 */
public record NewOrderRequest(Long buyerId, String buyerEmail, String currency, List<Item> items) {

    /** One requested line, as sent. */
    public record Item(Long productId, Long sellerId, Integer quantity, BigDecimal unitPrice) {
    }
}
