package com.marketplace.gateway.http;

import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.order.Order;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** The order JSON of docs/architecture.md ("Order gateway HTTP API"). */
public record OrderResponse(
        long orderId,
        String orderNumber,
        long buyerId,
        String buyerEmail,
        String currency,
        OrderStatus status,
        BigDecimal totalAmount,
        List<Item> items,
        Instant createdAt,
        Instant updatedAt) {

    /** One line of the order. */
    public record Item(long productId, long sellerId, int quantity, BigDecimal unitPrice) {

        static Item from(OrderItem item) {
            return new Item(item.productId(), item.sellerId(), item.quantity(), item.unitPrice());
        }
    }

    public static OrderResponse from(Order order) {
        return new OrderResponse(order.orderId(), order.orderNumber(), order.buyerId(), order.buyerEmail(),
                order.currency(), order.status(), order.totalAmount(),
                order.items().stream().map(Item::from).toList(), order.createdAt(), order.updatedAt());
    }
}
