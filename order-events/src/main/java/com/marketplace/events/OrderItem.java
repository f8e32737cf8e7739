package com.marketplace.events;

import java.math.BigDecimal;
import java.util.Objects;

/** One line of an order as carried in events. Amounts are exact decimals. */
public record OrderItem(long productId, long sellerId, int quantity, BigDecimal unitPrice) {

    public OrderItem {
        Objects.requireNonNull(unitPrice, "unitPrice");
    }

    /** {@code quantity × unitPrice}, exact. */
    public BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
