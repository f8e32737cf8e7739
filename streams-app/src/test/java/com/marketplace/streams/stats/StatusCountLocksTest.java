package com.marketplace.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A read waits for a move under way in its partition, at most the read wait; other partitions never wait. */
class StatusCountLocksTest {

    private final StatusCountLocks locks = new StatusCountLocks(Duration.ofMillis(100));

    @Test
    void aReadBesideAMoveThatDoesNotEndInTimeIsRefusedAndOtherPartitionsAreRead() throws Exception {
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch endMove = new CountDownLatch(1);
        Thread mover = new Thread(() -> locks.move(3, () -> {
            moving.countDown();
            awaitQuietly(endMove);
        }), "mover");
        mover.start();
        try {
            assertThat(moving.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(locks.read(3, () -> "counts")).isEmpty();
            assertThat(locks.read(4, () -> "counts")).contains("counts");
        } finally {
            endMove.countDown();
            mover.join();
        }
        assertThat(locks.read(3, () -> "counts")).contains("counts");
    }

    @Test
    void aReadWaitsForAMoveThatEndsWithinTheReadWait() throws Exception {
        StatusCountLocks patient = new StatusCountLocks(Duration.ofSeconds(30));
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch endMove = new CountDownLatch(1);
        StringBuilder counts = new StringBuilder("before");
        Thread mover = new Thread(() -> patient.move(0, () -> {
            moving.countDown();
            awaitQuietly(endMove);
            counts.replace(0, counts.length(), "after");
        }), "mover");
        mover.start();
        assertThat(moving.await(10, TimeUnit.SECONDS)).isTrue();
        Thread ender = new Thread(endMove::countDown, "ender");
        ender.start();

        // the read cannot run while the move holds the lock: it sees the move's result, never its middle
        assertThat(patient.read(0, counts::toString)).contains("after");
        mover.join();
        ender.join();
    }

    @Test
    void anInterruptedReadIsRefusedAndKeepsTheInterrupt() throws Exception {
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch endMove = new CountDownLatch(1);
        Thread mover = new Thread(() -> locks.move(0, () -> {
            moving.countDown();
            awaitQuietly(endMove);
        }), "mover");
        mover.start();
        try {
            assertThat(moving.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.currentThread().interrupt();

            assertThat(locks.read(0, () -> "counts")).isEmpty();
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            endMove.countDown();
            mover.join();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
