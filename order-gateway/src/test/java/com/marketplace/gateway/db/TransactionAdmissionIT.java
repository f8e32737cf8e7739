package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.gateway.support.Concurrently;
import com.marketplace.gateway.support.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    @BeforeEach
    void smallPool() {
        pool = DataSources.create(TestDatabase.url(), TestDatabase.user(), TestDatabase.password(), CONNECTIONS);
        // the pool opens its connections in the background; a thread that found one still missing
        // would wait inside the pool for a reason of its own
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == CONNECTIONS);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    @Test
    void moreThreadsThanConnectionsWaitToBeAdmittedNotInsideThePool() {
        Transactions transactions = Transactions.onPool(pool);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostRunning = new AtomicInteger();
        AtomicInteger mostWaitingInPool = new AtomicInteger();
        AtomicInteger mostWaitingToBeAdmitted = new AtomicInteger();

        List<Integer> done = Concurrently.run(8, thread -> () -> {
            int committed = 0;
            for (int i = 0; i < 25; i++) {
                committed += transactions.inTransaction(conn -> {
                    mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try (var statement = conn.createStatement()) {
                        statement.execute("SELECT 1");
                    }
                    mostWaitingInPool.accumulateAndGet(pool.getHikariPoolMXBean().getThreadsAwaitingConnection(), Math::max);
                    mostWaitingToBeAdmitted.accumulateAndGet(transactions.waiting(), Math::max);
                    running.decrementAndGet();
                    return 1;
                });
            }
            return committed;
        });

        assertThat(done).containsOnly(25);
        assertThat(mostRunning.get()).isLessThanOrEqualTo(CONNECTIONS);
        assertThat(mostWaitingToBeAdmitted.get()).as("threads queued for a place").isPositive();
        assertThat(mostWaitingInPool.get()).as("threads queued inside the pool").isZero();
    }

    @Test
    void aTransactionNotAdmittedInTimeFailsWithoutAConnectionAndTheOthersGoOn() throws Exception {
        Transactions transactions = Transactions.admitting(pool, 1, Duration.ofMillis(300));
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> {
            try {
                return transactions.inTransaction(conn -> {
                    holding.countDown();
                    release.join();
                    return "held";
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean ran = new AtomicBoolean();

        long start = System.nanoTime();
        assertThatThrownBy(() -> transactions.inTransaction(conn -> ran.getAndSet(true)))
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(ran).as("the work of a transaction that was not admitted").isFalse();
        assertThat(pool.getHikariPoolMXBean().getActiveConnections()).as("connections in use").isEqualTo(1);

        release.complete(null);
        assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("held");
        String next = transactions.inTransaction(conn -> "next");
        assertThat(next).as("a transaction after the holder's").isEqualTo("next");
    }

    @Test
    void onThePoolATransactionWaitsForAPlaceOnlyWhatThePoolsOwnTimeoutLeavesOfTheConnectionWait() throws Exception {
        Transactions transactions = Transactions.onPool(pool);
        CompletableFuture<Void> release = new CompletableFuture<>();
        CountDownLatch holding = new CountDownLatch(CONNECTIONS);
        List<CompletableFuture<Void>> holders = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            holders.add(CompletableFuture.runAsync(() -> {
                try {
                    transactions.inTransaction(conn -> {
                        holding.countDown();
                        return release.join();
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        Duration forAPlace = DataSources.CONNECTION_WAIT.minus(DataSources.POOL_WAIT);

        long start = System.nanoTime();
        assertThatThrownBy(() -> transactions.inTransaction(conn -> "never"))
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining(forAPlace.toMillis() + " ms");
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(waited).isBetween(forAPlace, DataSources.CONNECTION_WAIT);
        release.complete(null);
        CompletableFuture.allOf(holders.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
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
}
