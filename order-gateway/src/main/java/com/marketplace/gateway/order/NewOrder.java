package com.marketplace.gateway.order;

import com.marketplace.events.OrderItem;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/** A validated order to be created: every limit of the API holds and unit prices have scale 2. */
public record NewOrder(long buyerId, String buyerEmail, String currency, List<OrderItem> items) {

    public NewOrder {
        Objects.requireNonNull(buyerEmail, "buyerEmail");
        Objects.requireNonNull(currency, "currency");
        items = List.copyOf(Objects.requireNonNull(items, "items"));
        if (items.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one item");
        }
    }

    /** Sum of quantity × unitPrice over all items, exact, scale 2. */
    public BigDecimal totalAmount() {
        return items.stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2);
    }
}
