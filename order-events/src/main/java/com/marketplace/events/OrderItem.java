package com.marketplace.events;

import java.math.BigDecimal;

/**
 * One line of an order as carried in events: ids and quantity &gt; 0, the unit price an amount &gt; 0
 * with at most two decimal places. Amounts are exact decimals.
 */
public record OrderItem(long productId, long sellerId, int quantity, BigDecimal unitPrice) {

    public OrderItem {
        Payloads.requirePositive(productId, "productId");
        Payloads.requirePositive(sellerId, "sellerId");
        Payloads.requirePositive(quantity, "quantity");
        unitPrice = Payloads.requireAmount(unitPrice, "unitPrice", true);
    }

    /** {@code quantity × unitPrice}, exact. */
    public BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
