package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.gateway.support.JdbcOrderTransactionsFactory;
import com.marketplace.gateway.support.MutableClock;
import com.marketplace.gateway.support.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency keys deleted after their retention, against the test database. */
class IdempotencyKeyExpiryIT {

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final NewOrderRequest REQUEST = new NewOrderRequest(7L, "keys@example.com", "KRW",
            List.of(new NewOrderRequest.Item(10L, 20L, 1, new BigDecimal("99.00"))));

    private final OrderService service = JdbcOrderTransactionsFactory.service();
    /** Where the expiry stands: past the retention of every key made now. */
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void clean() {
        TestDatabase.clean();
        clock.advance(RETENTION.plusHours(1));
    }

    @Test
    void aKeyPastItsRetentionIsDeletedAndItsReuseMakesANewOrderWhileAYoungerOneStillAnswersItsOrder() {
        // Given two orders made with keys, one of them made two days later than the other
        Order old = service.create(REQUEST, "old-key").order();
        Order young = service.create(REQUEST, "young-key").order();
        makeYounger(List.of(young.orderId()));

        // When the keys' expiry runs once the first is past its retention
        int deleted = expiry().expire();

        // Then only the first key is gone; both orders stay
        assertThat(deleted).isEqualTo(1);
        assertThat(TestDatabase.count("idempotency_keys")).isEqualTo(1);
        assertThat(TestDatabase.count("orders")).isEqualTo(2);
        CreateOrderResult reused = service.create(REQUEST, "old-key");
        assertThat(reused.replayed()).isFalse();
        assertThat(reused.order().orderId()).isNotEqualTo(old.orderId());
        CreateOrderResult replayed = service.create(REQUEST, "young-key");
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.order().orderId()).isEqualTo(young.orderId());
    }

    @Test
    void theWalkGoesPageByPageAndStepsOverYoungerKeysAmongOlderOnes() {
        // Given more than two pages of keys, one younger key in the second page and younger ones at the end
        int total = 2 * IdempotencyKeyExpiry.PAGE + 100;
        List<Long> orderIds = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            orderIds.add(service.create(REQUEST, "key-" + i).order().orderId());
        }
        List<Long> younger = new ArrayList<>(orderIds.subList(total - 50, total));
        younger.add(orderIds.get(IdempotencyKeyExpiry.PAGE + 500));
        makeYounger(younger);

        // When the expiry runs
        int deleted = expiry().expire();

        // Then every older key is deleted and every younger one kept
        assertThat(deleted).isEqualTo(total - younger.size());
        assertThat(TestDatabase.count("idempotency_keys")).isEqualTo(younger.size());
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM idempotency_keys WHERE order_id IN " + inList(younger)))
                .isEqualTo(younger.size());
    }

    @Test
    void aWalkStopsAtAFullPageEndingOnAYoungerKeyAndTheNextOneGoesOnOnceThatHasExpired() {
        // Given a full page whose last key is younger, and older keys after it
        List<Long> orderIds = new ArrayList<>();
        for (int i = 0; i < IdempotencyKeyExpiry.PAGE + 100; i++) {
            orderIds.add(service.create(REQUEST, "key-" + i).order().orderId());
        }
        makeYounger(List.of(orderIds.get(IdempotencyKeyExpiry.PAGE - 1)));

        // When the expiry runs, then again once that key too is past its retention
        int first = expiry().expire();
        long left = TestDatabase.count("idempotency_keys");
        clock.advance(Duration.ofDays(3));
        int second = expiry().expire();

        // Then the first walk ends with that page, and the second deletes the rest
        assertThat(first).isEqualTo(IdempotencyKeyExpiry.PAGE - 1);
        assertThat(left).isEqualTo(101);
        assertThat(second).isEqualTo(101);
        assertThat(TestDatabase.count("idempotency_keys")).isZero();
    }

    @Test
    void twoWalksAtOnceBesideNewOrdersDeleteEveryExpiredKeyOnceAndKeepTheRest() throws Exception {
        // Given three pages of keys past their retention with younger ones among them, as two gateways find them
        int total = 3 * IdempotencyKeyExpiry.PAGE;
        List<Long> orderIds = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            orderIds.add(service.create(REQUEST, "key-" + i).order().orderId());
        }
        List<Long> younger = new ArrayList<>();
        for (int i = 0; i < total; i += 97) {
            younger.add(orderIds.get(i));
        }
        TestDatabase.update("UPDATE idempotency_keys SET created_at = TIMESTAMPADD(DAY, -8, created_at)"
                + " WHERE order_id NOT IN " + inList(younger));

        // When both gateways' walks run at once, by the present time, while orders with new keys keep coming
        int newOrders = 200;
        CyclicBarrier start = new CyclicBarrier(3);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        int deleted;
        int created;
        try {
            Future<Integer> first = threads.submit(() -> awaitThen(start, () -> presentExpiry().expire()));
            Future<Integer> second = threads.submit(() -> awaitThen(start, () -> presentExpiry().expire()));
            Future<Integer> traffic = threads.submit(() -> awaitThen(start, () -> {
                for (int i = 0; i < newOrders; i++) {
                    service.create(REQUEST, "new-key-" + i);
                }
                return newOrders;
            }));
            created = traffic.get(2, TimeUnit.MINUTES);
            deleted = first.get(2, TimeUnit.MINUTES) + second.get(2, TimeUnit.MINUTES);
        } finally {
            threads.shutdownNow();
        }

        // Then between them they delete each expired key once, fail nowhere, and keep every other key
        assertThat(created).isEqualTo(newOrders);
        assertThat(deleted).isEqualTo(total - younger.size());
        assertThat(TestDatabase.count("idempotency_keys")).isEqualTo(younger.size() + newOrders);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM idempotency_keys WHERE order_id IN " + inList(younger)))
                .isEqualTo(younger.size());
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM idempotency_keys WHERE order_id > ?",
                orderIds.get(total - 1))).as("the new orders' keys").isEqualTo(newOrders);
        assertThat(TestDatabase.count("orders")).isEqualTo(total + newOrders);
    }

    @Test
    void nothingIsDeletedWithinTheRetention() {
        service.create(REQUEST, "a-key");

        int deleted = presentExpiry().expire();

        assertThat(deleted).isZero();
        assertThat(TestDatabase.count("idempotency_keys")).isEqualTo(1);
    }

    private static <T> T awaitThen(CyclicBarrier start, Callable<T> work) throws Exception {
        start.await(30, TimeUnit.SECONDS);
        return work.call();
    }

    private IdempotencyKeyExpiry expiry() {
        return new IdempotencyKeyExpiry(JdbcOrderTransactionsFactory.transactions(), RETENTION, clock);
    }

    /** An expiry by the present time: a key just made is within its retention. */
    private static IdempotencyKeyExpiry presentExpiry() {
        return new IdempotencyKeyExpiry(JdbcOrderTransactionsFactory.transactions(), RETENTION, new MutableClock());
    }

    /** Moves the creation of these orders' keys two days later, past the expiry's cutoff. */
    private static void makeYounger(List<Long> orderIds) {
        TestDatabase.update("UPDATE idempotency_keys SET created_at = TIMESTAMPADD(DAY, 2, created_at)"
                + " WHERE order_id IN " + inList(orderIds));
    }

    private static String inList(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }
}
