package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.OrderItem;
import com.marketplace.gateway.support.JdbcOrderTransactionsFactory;
import com.marketplace.gateway.support.TestDatabase;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An order's items are stored whole and in request order, however many statements they take. */
class OrderItemsIT {

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @ParameterizedTest(name = "{0} items")
    @ValueSource(ints = {1, 2, 7, 8, 9, 16, 17, OrderValidator.MAX_ITEMS})
    void everyItemIsStoredOnceAndReadBackInRequestOrder(int count) {
        // Given an order whose items differ in every column and are not sorted by any of them
        List<NewOrderRequest.Item> requested = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long product = 1_000 + (i * 37L) % 101;
            BigDecimal price = new BigDecimal((i + 1) + "." + (10 + i % 90));
            requested.add(new NewOrderRequest.Item(product, 500L - i, 1 + i % 9, price));
        }
        OrderService service = JdbcOrderTransactionsFactory.service();

        // When it is created
        Order created = service.create(new NewOrderRequest(42L, "items@example.com", "KRW", requested), null).order();

        // Then the stored items are exactly the requested ones, in order, one row each
        List<OrderItem> expected = requested.stream()
                .map(i -> new OrderItem(i.productId(), i.sellerId(), i.quantity(), i.unitPrice())).toList();
        assertThat(service.get(created.orderId()).items()).isEqualTo(expected);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM order_items WHERE order_id = ?", created.orderId()))
                .isEqualTo(count);
        assertThat(TestDatabase.count("order_items")).isEqualTo(count);
    }
}
