package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.gateway.support.Concurrently;
import com.marketplace.gateway.support.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Transactions on a pool of two real connections, admitted two at a time: the others wait to be
 * admitted, never inside the pool; one that waits too long fails without a connection; every way
 * out of a transaction gives its place back.
 */
class TransactionAdmissionIT {

    private static final int CONNECTIONS = 2;

    private HikariDataSource pool;
    private ExecutorService holders;

    @BeforeEach
    void smallPool() {
        holders = Executors.newFixedThreadPool(CONNECTIONS);
        pool = DataSources.create(TestDatabase.url(), TestDatabase.user(), TestDatabase.password(), CONNECTIONS);
    }

    @AfterEach
    void closePool() {
        holders.shutdownNow();
        pool.close();
    }

    @Test
    void moreThreadsThanConnectionsWaitToBeAdmittedNotForThePool() {
        AtomicInteger askingOrHolding = new AtomicInteger();
        AtomicInteger mostAskingOrHolding = new AtomicInteger();
        // counts the threads from their call for a connection until they have given it back
        DataSource counted = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getConnection")) {
                        return invoke(method, pool, args);
                    }
                    mostAskingOrHolding.accumulateAndGet(askingOrHolding.incrementAndGet(), Math::max);
                    Connection connection = (Connection) invoke(method, pool, args);
                    AtomicBoolean closed = new AtomicBoolean();
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (conn, call, callArgs) -> {
                                Object result = invoke(call, connection, callArgs);
                                if (call.getName().equals("close") && !closed.getAndSet(true)) {
                                    askingOrHolding.decrementAndGet();
                                }
                                return result;
                            });
                });
        Transactions transactions = Transactions.admitting(counted, CONNECTIONS, Duration.ofSeconds(3));
        AtomicInteger mostWaitingToBeAdmitted = new AtomicInteger();

        List<Integer> done = Concurrently.run(8, thread -> () -> {
            int committed = 0;
            for (int i = 0; i < 25; i++) {
                committed += transactions.inTransaction(conn -> {
                    try (var statement = conn.createStatement()) {
                        statement.execute("SELECT 1");
                    }
                    mostWaitingToBeAdmitted.accumulateAndGet(transactions.waiting(), Math::max);
                    return 1;
                });
            }
            return committed;
        });

        assertThat(done).containsOnly(25);
        assertThat(mostWaitingToBeAdmitted.get()).as("threads queued for a place").isPositive();
        assertThat(mostAskingOrHolding.get()).as("threads asking the pool for a connection or holding one")
                .isLessThanOrEqualTo(CONNECTIONS);
    }

    @Test
    void aTransactionNotAdmittedInTimeFailsWithoutAConnectionAndTheOthersGoOn() throws Exception {
        Transactions transactions = Transactions.admitting(pool, 1, Duration.ofMillis(300));
        CompletableFuture<Void> release = new CompletableFuture<>();
        List<Future<String>> holder = hold(transactions, 1, release);
        AtomicBoolean ran = new AtomicBoolean();

        long start = System.nanoTime();
        assertThatThrownBy(() -> transactions.inTransaction(conn -> ran.getAndSet(true)))
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(ran).as("the work of a transaction that was not admitted").isFalse();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections in use").isEqualTo(1);

        release.complete(null);
        assertThat(holder.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("held");
        String next = transactions.inTransaction(conn -> "next");
        assertThat(next).as("a transaction after the holder's").isEqualTo("next");
    }

    @Test
    void onThePoolATransactionWaitsForAPlaceOnlyWhatThePoolsOwnTimeoutLeavesOfTheConnectionWait() throws Exception {
        Transactions transactions = Transactions.onPool(pool);
        CompletableFuture<Void> release = new CompletableFuture<>();
        List<Future<String>> held = hold(transactions, CONNECTIONS, release);
        Duration forAPlace = DataSources.CONNECTION_WAIT.minus(DataSources.POOL_WAIT);

        long start = System.nanoTime();
        assertThatThrownBy(() -> transactions.inTransaction(conn -> "never"))
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining(forAPlace.toMillis() + " ms");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(waited).isBetween(forAPlace, DataSources.CONNECTION_WAIT);
        release.complete(null);
        for (Future<String> holder : held) {
            assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("held");
        }
    }

    @Test
    void anInterruptedThreadStillTakesAFreePlaceButDoesNotWaitForOne() throws Exception {
        Transactions transactions = Transactions.admitting(pool, 1, Duration.ofSeconds(3));
        String done;
        Thread.currentThread().interrupt();
        try {
            done = transactions.inTransaction(conn -> "recorded");
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
        assertThat(done).isEqualTo("recorded");

        CompletableFuture<Void> release = new CompletableFuture<>();
        List<Future<String>> holder = hold(transactions, 1, release);
        Thread.currentThread().interrupt();
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> transactions.inTransaction(conn -> "never"))
                    .isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("interrupted");
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
        // (waiting for a place would have taken the admission's 3 s)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        release.complete(null);
        assertThat(holder.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("held");
    }

    @Test
    void aFailedTransactionGivesItsPlaceBack() throws Exception {
        Transactions transactions = Transactions.admitting(pool, 1, Duration.ofMillis(300));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> transactions.inTransaction(conn -> {
                throw new IllegalStateException("boom");
            })).isInstanceOf(IllegalStateException.class);
        }

        String after = transactions.inTransaction(conn -> "after");
        assertThat(after).isEqualTo("after");
        assertThat(transactions.waiting()).isZero();
    }

    @Test
    void anAdmissionLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> Transactions.admitting(pool, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("atATime");
    }

    /**
     * Starts {@code count} transactions that hold their places (and connections) until {@code release}
     * completes, and returns once all of them are inside; each then answers "held".
     */
    private List<Future<String>> hold(Transactions transactions, int count, CompletableFuture<Void> release)
            throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(count);
        List<Future<String>> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            held.add(holders.submit(() -> transactions.inTransaction(conn -> {
                inside.countDown();
                release.join();
                return "held";
            })));
        }
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("holders inside").isTrue();
        return held;
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
