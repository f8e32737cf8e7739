package com.marketplace.gateway.support;

import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.OrderMetrics;
import com.marketplace.gateway.order.OrderService;
import com.marketplace.gateway.order.jdbc.JdbcIdempotencyRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderIdBlocks;
import com.marketplace.gateway.order.jdbc.JdbcOrderRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderTransactions;
import com.marketplace.gateway.outbox.OutboxHandoff;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/** The JDBC order wiring on {@link TestDatabase}, for tests that call the service directly. */
public final class JdbcOrderTransactionsFactory {

    private JdbcOrderTransactionsFactory() {
    }

    public static JdbcOrderTransactions transactions() {
        return new JdbcOrderTransactions(new Transactions(TestDatabase.dataSource()), new JdbcOrderRepository(),
                new JdbcIdempotencyRepository(), new JdbcOutboxRepository(), OutboxHandoff.NONE);
    }

    /** Order ids in blocks from {@link TestDatabase}, as the gateway takes them. */
    public static JdbcOrderIdBlocks orderIds() {
        return new JdbcOrderIdBlocks(new Transactions(TestDatabase.dataSource()));
    }

    public static OrderService service() {
        return new OrderService(transactions(), orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE);
    }

    /** A service whose events get their ids from {@code eventIds}. */
    public static OrderService service(Supplier<UUID> eventIds) {
        return new OrderService(transactions(), orderIds(), OutboxNotifier.NONE, OrderMetrics.NONE, Clock.systemUTC(),
                eventIds);
    }
}
