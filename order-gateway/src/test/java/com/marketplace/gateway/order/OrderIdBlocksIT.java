package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.jdbc.JdbcOrderIdBlocks;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.marketplace.gateway.support.Concurrently;
import com.marketplace.gateway.support.JdbcOrderTransactionsFactory;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Order ids from blocks (migration V5) on the real database: disjoint between gateways, beyond every
 * existing row, and safe next to an older gateway that still lets AUTO_INCREMENT number its orders.
 */
class OrderIdBlocksIT {

    private static final int SMALL_BLOCK = 7;

    @BeforeEach
    void cleanDatabase() {
        TestDatabase.clean();
    }

    @Test
    void gatewaysSharingTheDatabaseGetDisjointIds() {
        List<JdbcOrderIdBlocks> gateways = List.of(blocks(), blocks(), blocks());
        int threads = 6;
        int idsPerThread = 300;

        List<List<Long>> ids = Concurrently.run(threads, thread -> () -> {
            JdbcOrderIdBlocks gateway = gateways.get(thread % gateways.size());
            List<Long> taken = new ArrayList<>();
            for (int i = 0; i < idsPerThread; i++) {
                taken.add(gateway.next());
            }
            return taken;
        });

        List<Long> all = ids.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(threads * idsPerThread).doesNotHaveDuplicates().allMatch(id -> id > 0);
    }

    @Test
    void aBlockStartsBeyondTheLastOrderRow() throws SQLException {
        // Given an order row numbered far beyond the series, as AUTO_INCREMENT may have left it
        long last = blocks().next() + 10_000;
        insertAsOlderGateway(last);

        // Then a new block starts right after it
        assertThat(blocks().next()).isEqualTo(last + 1);
    }

    @Test
    void anIdTakenInsideTheBlockIsSkippedWithItsBlock() throws SQLException {
        // Given a gateway that created an order, and a row written behind its back with the id it hands out next
        OrderService service = service(blocks());
        long first = service.create(TestOrders.request(1), null).order().orderId();
        insertAsOlderGateway(first + 1);
        String foreignNumber = orderNumber(first + 1);

        // When the gateway creates its next orders
        Order second = service.create(TestOrders.request(2), null).order();
        Order third = service.create(TestOrders.request(3), null).order();

        // Then they come from the next block, the rest of the first one left unused, each written once with one event
        assertThat(second.orderId()).isEqualTo(first + SMALL_BLOCK);
        assertThat(third.orderId()).isEqualTo(first + SMALL_BLOCK + 1);
        assertThat(second.orderNumber()).isEqualTo(OrderNumbers.of(second.orderId(), second.createdAt()));
        assertThat(orderNumber(first + 1)).isEqualTo(foreignNumber);
        assertThat(TestDatabase.count("orders")).isEqualTo(4);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events")).isEqualTo(3);
        for (long id : List.of(first, second.orderId(), third.orderId())) {
            assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE aggregate_id = ?",
                    Long.toString(id))).isOne();
            assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM order_items WHERE order_id = ?", id)).isEqualTo(2);
        }
    }

    @Test
    void olderGatewaysAutoIncrementInsertsNeverFailBesideBlocks() throws SQLException {
        // H2's identity is not pushed past explicit ids the way InnoDB's AUTO_INCREMENT counter is
        assumeFalse(TestDatabase.isH2(), "needs InnoDB's AUTO_INCREMENT");
        OrderService service = service(blocks());
        List<Long> created = new ArrayList<>();
        List<Long> older = new ArrayList<>();

        // When an older gateway and a new one take turns, each older insert landing in the new one's block
        for (int i = 0; i < 100; i++) {
            created.add(service.create(TestOrders.request(i + 1), null).order().orderId());
            older.add(insertAsOlderGateway(null));
        }

        // Then every order of both is stored once, and the new gateway's events are there
        assertThat(created).doesNotHaveDuplicates();
        assertThat(older).doesNotHaveDuplicates().doesNotContainAnyElementsOf(created);
        assertThat(older).anyMatch(id -> id > created.get(0) && id < created.get(created.size() - 1));
        assertThat(TestDatabase.count("orders")).isEqualTo(200);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events")).isEqualTo(100);
    }

    @Test
    void callersWaitingForABlockShareOneAttemptWhenTheDatabaseIsDown() throws Exception {
        // Given a pool whose database does not answer (nothing listens on the port)
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:mysql://127.0.0.1:" + port + "/none");
        config.setUsername("none");
        config.setConnectionTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        AtomicInteger attempts = new AtomicInteger();
        try (HikariDataSource down = new HikariDataSource(config)) {
            DataSource counted = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                    new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getConnection")) {
                            attempts.incrementAndGet();
                        }
                        try {
                            return method.invoke(down, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            JdbcOrderIdBlocks ids = new JdbcOrderIdBlocks(new Transactions(counted), SMALL_BLOCK);

            // When eight requests need an id at once
            List<Throwable> failures = Concurrently.run(8, thread -> () -> catchThrowable(ids::next));

            // Then each fails as a storage failure after the one attempt they waited for together,
            // instead of queueing for a connection timeout each
            assertThat(failures).allSatisfy(failure -> assertThat(failure).isInstanceOf(StorageException.class));
            assertThat(attempts).as("connection attempts").hasValueBetween(1, 2);
        }
    }

    @Test
    void anErrorWhileTakingABlockEndsThatAttemptAndTheNextCallerTakesABlock() {
        // Given a data source whose first connection attempt throws an Error (as an OutOfMemoryError would)
        AtomicInteger attempts = new AtomicInteger();
        DataSource failingOnce = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && attempts.getAndIncrement() == 0) {
                        throw new StackOverflowError("thrown while taking a block");
                    }
                    try {
                        return method.invoke(TestDatabase.dataSource(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        JdbcOrderIdBlocks ids = new JdbcOrderIdBlocks(new Transactions(failingOnce), SMALL_BLOCK);

        // When the first caller meets it
        assertThat(catchThrowable(ids::next)).isInstanceOf(StackOverflowError.class);

        // Then the next caller takes a block of its own instead of waiting for the failed attempt forever
        long id = assertTimeoutPreemptively(Duration.ofSeconds(30), ids::next);
        assertThat(id).isPositive();
        assertThat(attempts).hasValue(2);
    }

    private static JdbcOrderIdBlocks blocks() {
        return new JdbcOrderIdBlocks(new Transactions(TestDatabase.dataSource()), SMALL_BLOCK);
    }

    private static OrderService service(OrderIds ids) {
        return new OrderService(JdbcOrderTransactionsFactory.transactions(), ids, OutboxNotifier.NONE,
                OrderMetrics.NONE);
    }

    /**
     * An order row as the gateway wrote it before V5: a placeholder number, the id from AUTO_INCREMENT
     * (or {@code id} when given), then the number set from the id.
     *
     * @return the row's id
     */
    private static long insertAsOlderGateway(Long id) throws SQLException {
        String columns = id == null ? "" : "id, ";
        String values = id == null ? "" : id + ", ";
        try (Connection conn = TestDatabase.dataSource().getConnection();
             PreparedStatement insert = conn.prepareStatement("INSERT INTO orders (" + columns
                     + "order_number, buyer_id, buyer_email, currency, status, total_amount, created_at, updated_at)"
                     + " VALUES (" + values + "?, 9, 'older@example.com', 'KRW', 'PENDING', 1.00, ?, ?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            Timestamp now = new Timestamp(System.currentTimeMillis());
            insert.setString(1, "TMP-" + UUID.randomUUID().toString().replace("-", ""));
            insert.setTimestamp(2, now);
            insert.setTimestamp(3, now);
            insert.executeUpdate();
            long stored;
            try (ResultSet keys = insert.getGeneratedKeys()) {
                stored = keys.next() ? keys.getLong(1) : id;
            }
            try (PreparedStatement number = conn.prepareStatement("UPDATE orders SET order_number = ? WHERE id = ?")) {
                number.setString(1, "OLD-" + stored);
                number.setLong(2, stored);
                number.executeUpdate();
            }
            conn.commit();
            return stored;
        }
    }

    private static String orderNumber(long id) throws SQLException {
        try (Connection conn = TestDatabase.dataSource().getConnection();
             PreparedStatement ps = conn.prepareStatement("SELECT order_number FROM orders WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("order %d exists", id).isTrue();
                return rs.getString(1);
            }
        }
    }
}
