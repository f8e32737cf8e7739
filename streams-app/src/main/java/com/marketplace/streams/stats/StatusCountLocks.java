package com.marketplace.streams.stats;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps each partition's status counts whole for the queries that read them. An order's status
 * move is two writes to {@code status-counts-store} (one order out of its old status, one into its
 * new), and a query reads a partition's five counts one key at a time; a query running beside a
 * move could count that order in both statuses or in neither. So each input partition has a
 * read-write lock: the stream thread makes a move under its write lock ({@link Partition#move}) and a
 * query reads the partition's counts under its read lock ({@link Partition#read}).
 *
 * <p>One instance belongs to one Kafka Streams client and is shared by its topology and its
 * queries (docs/architecture.md, "The streams app in detail"). A move holds its lock for two store writes;
 * a query waits for it at most {@code readWait} and is then told the counts are not available, so a
 * stream thread held up inside a write (a full producer buffer) never holds a query's thread for long.
 */
public final class StatusCountLocks {

    /** How long a query waits for a move under way, by default. */
    public static final Duration DEFAULT_READ_WAIT = Duration.ofSeconds(1);

    private final ConcurrentMap<Integer, Partition> byPartition = new ConcurrentHashMap<>();
    private final long readWaitNanos;

    public StatusCountLocks() {
        this(DEFAULT_READ_WAIT);
    }

    public StatusCountLocks(Duration readWait) {
        this.readWaitNanos = readWait.toNanos();
    }

    /** The lock of {@code partition}'s counts; the stream thread looks it up once per task. */
    public Partition partition(int partition) {
        return byPartition.computeIfAbsent(partition, p -> new Partition(readWaitNanos));
    }

    /** One input partition's lock. */
    public static final class Partition {

        private final ReadWriteLock lock = new ReentrantReadWriteLock();
        private final long readWaitNanos;

        private Partition(long readWaitNanos) {
            this.readWaitNanos = readWaitNanos;
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
