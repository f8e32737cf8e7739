package com.marketplace.streams.stats;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * What this client's queries need to know of each input partition's statistics, from the stream
 * thread that keeps them: whether the partition's task is processing, and a lock that keeps its status
 * counts whole.
 *
 * <p><b>Processing.</b> Kafka Streams lets a query read an active task's stores while the client is
 * RUNNING, whether or not the task is: a task revived after it was found corrupted (under
 * exactly_once_v2, for example after a commit timed out) has its stores wiped and reopened empty, then
 * restored from their changelogs, while its thread stays RUNNING. A task's processors are initialised
 * only once its stores are restored, and closed before they are wiped, moved or closed; so the
 * statistics step reports its task's start ({@link Partition#taskStarted}) and stop
 * ({@link Partition#taskStopped}) here, and a query reads a partition only while its task is
 * processing and answers only if the task did not stop or restart during the read
 * ({@link Partition#currentRun}, {@link Partition#isStill}). (A task whose initialisation fails after
 * this step's is never closed and would leave its partition reported processing; it fails its stream
 * thread, and the app then stops the whole client, whose queries are all unavailable.)
 *
 * <p><b>Status counts whole.</b> An order's status move is two writes to {@code status-counts-store}
 * (one order out of its old status, one into its new), and a query reads a partition's five counts one
 * key at a time; a query running beside a move could count that order in both statuses or in neither.
 * So each input partition has a read-write lock: the stream thread makes a move under its write lock
 * ({@link Partition#move}) and a query reads the partition's counts under its read lock
 * ({@link Partition#read}). A move holds its lock for two store writes; a query waits for it at most
 * {@code readWait} and is then told the counts are not available, so a stream thread held up inside a
 * write (a full producer buffer) never holds a query's thread for long.
 *
 * <p>One instance belongs to one Kafka Streams client and is shared by its topology and its queries
 * (docs/architecture.md, "The streams app in detail").
 */
public final class QueryablePartitions {

    /** How long a query waits for a move under way, by default. */
    public static final Duration DEFAULT_READ_WAIT = Duration.ofSeconds(1);

    private final ConcurrentMap<Integer, Partition> byPartition = new ConcurrentHashMap<>();
    private final long readWaitNanos;

    public QueryablePartitions() {
        this(DEFAULT_READ_WAIT);
    }

    QueryablePartitions(Duration readWait) {
        this.readWaitNanos = readWait.toNanos();
    }

    /** Input partition {@code partition}; the stream thread looks it up once per task. */
    public Partition partition(int partition) {
        return byPartition.computeIfAbsent(partition, p -> new Partition(readWaitNanos));
    }

    /** One input partition. */
    public static final class Partition {

        private final ReadWriteLock lock = new ReentrantReadWriteLock();
        private final long readWaitNanos;
        /** Tasks of this client processing the partition: one, or none while it is restoring or elsewhere. */
        private int processing;
        /** Counts the starts and stops of the partition's task, so a read can tell one happened meanwhile. */
        private long starts;

        private Partition(long readWaitNanos) {
            this.readWaitNanos = readWaitNanos;
        }

        /** The partition's task has started processing here: its stores are restored. */
        public synchronized void taskStarted() {
            processing++;
            starts++;
        }

        /** The partition's task has stopped processing here: it is being closed, moved or revived. */
        public synchronized void taskStopped() {
            if (processing > 0) {
                processing--;
                starts++;
            }
        }

        /** The current run of the partition's task, to pass to {@link #isStill}; empty when none processes it. */
        public synchronized OptionalLong currentRun() {
            return processing > 0 ? OptionalLong.of(starts) : OptionalLong.empty();
        }

        /** Whether the partition's task is processing in {@code run} still: it has neither stopped nor restarted. */
        public synchronized boolean isStill(long run) {
            return processing > 0 && starts == run;
        }

        /** Runs {@code writes}, the two writes of one status move, as one step for readers. */
        public void move(Runnable writes) {
            Lock write = lock.writeLock();
            write.lock();
            try {
                writes.run();
            } finally {
                write.unlock();
            }
        }

        /**
         * The result of {@code reads} of the partition's counts, taken between moves; empty when a
         * move did not end within the read wait, or the thread was interrupted while it waited.
         */
        public <T> Optional<T> read(Supplier<T> reads) {
            Lock read = lock.readLock();
            try {
                if (!read.tryLock(readWaitNanos, TimeUnit.NANOSECONDS)) {
                    return Optional.empty();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            try {
                return Optional.of(reads.get());
            } finally {
                read.unlock();
            }
        }
    }
}
