package com.marketplace.streams.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A partition is processing between its task's start and stop, and a run ends with either; a read waits
 * for a move under way in its partition, at most the read wait; other partitions never wait.
 */
class QueryablePartitionsTest {

    private final QueryablePartitions locks = new QueryablePartitions(Duration.ofMillis(100));

    @Test
    void aRunLastsFromTheTasksStartToItsStopOrRestart() {
        QueryablePartitions.Partition partition = locks.partition(2);
        assertThat(partition.currentRun()).as("no task has started").isEmpty();

        partition.taskStarted();
        long run = partition.currentRun().orElseThrow();
        assertThat(partition.isStill(run)).isTrue();
        assertThat(locks.partition(1).currentRun()).as("another partition").isEmpty();

        partition.taskStopped();
        assertThat(partition.currentRun()).isEmpty();
        assertThat(partition.isStill(run)).isFalse();

        partition.taskStarted(); // revived
        assertThat(partition.isStill(run)).as("a restarted task is another run").isFalse();
        assertThat(partition.isStill(partition.currentRun().orElseThrow())).isTrue();
    }

    @Test
    void aStopWithoutAStartLeavesThePartitionAsItWas() {
        QueryablePartitions.Partition partition = locks.partition(0);
        partition.taskStopped();
        assertThat(partition.currentRun()).isEmpty();

        partition.taskStarted();
        long run = partition.currentRun().orElseThrow();
        partition.taskStopped();
        partition.taskStopped();
        partition.taskStarted();
        assertThat(partition.currentRun()).isPresent().isNotEqualTo(OptionalLong.of(run));
    }

    @Test
    void aReadBesideAMoveThatDoesNotEndInTimeIsRefusedAndOtherPartitionsAreRead() throws Exception {
        CountDownLatch endMove = new CountDownLatch(1);
        Thread mover = moveUnderWay(locks, 3, endMove, () -> { });
        try {
            assertThat(locks.partition(3).read(() -> "counts")).isEmpty();
            assertThat(locks.partition(4).read(() -> "counts")).contains("counts");
        } finally {
            endMove.countDown();
            mover.join();
        }
        assertThat(locks.partition(3).read(() -> "counts")).contains("counts");
    }

    @Test
    void aReadWaitsForAMoveThatEndsWithinTheReadWait() throws Exception {
        QueryablePartitions patient = new QueryablePartitions(Duration.ofSeconds(30));
        CountDownLatch endMove = new CountDownLatch(1);
        StringBuilder counts = new StringBuilder("before");
        Thread mover = moveUnderWay(patient, 0, endMove, () -> counts.replace(0, counts.length(), "after"));
        AtomicReference<Optional<String>> read = new AtomicReference<>();
        Thread reader = new Thread(() -> read.set(patient.partition(0).read(counts::toString)), "reader");
        reader.start();

        // the read cannot run while the move holds the lock: it waits, and once the move ends it sees
        // the move's result, never its middle
        await().atMost(Duration.ofSeconds(10)).until(() ->
                reader.getState() == Thread.State.TIMED_WAITING || !reader.isAlive());
        assertThat(reader.isAlive()).as("the read waits for the move").isTrue();
        endMove.countDown();
        reader.join();
        mover.join();
        assertThat(read.get()).contains("after");
    }

    @Test
    void anInterruptedReadIsRefusedAndKeepsTheInterrupt() throws Exception {
        // a read wait of 30 s: a refusal within the test's time is the interrupt's, not the wait's end
        QueryablePartitions patient = new QueryablePartitions(Duration.ofSeconds(30));
        CountDownLatch endMove = new CountDownLatch(1);
        Thread mover = moveUnderWay(patient, 0, endMove, () -> { });
        try {
            Thread.currentThread().interrupt();

            // on this thread, whose interrupt is the point (a preemptive timeout would read on another)
            Optional<String> read = assertTimeout(Duration.ofSeconds(5),
                    () -> patient.partition(0).read(() -> "counts"));
            assertThat(read).isEmpty();
            assertThat(Thread.interrupted()).isTrue();
        } finally {
            endMove.countDown();
            mover.join();
        }
    }

    /**
     * A move of {@code partition} on a thread of its own, under way when this returns: it holds the
     * lock until {@code end}, then runs {@code writes}.
     */
    private static Thread moveUnderWay(QueryablePartitions locks, int partition, CountDownLatch end, Runnable writes)
            throws InterruptedException {
        CountDownLatch moving = new CountDownLatch(1);
        Thread mover = new Thread(() -> locks.partition(partition).move(() -> {
            moving.countDown();
            awaitQuietly(end);
            writes.run();
        }), "mover");
        mover.start();
        assertThat(moving.await(10, TimeUnit.SECONDS)).as("the move began").isTrue();
        return mover;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
