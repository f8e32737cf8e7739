package com.marketplace.streams.dedupe;

import java.util.concurrent.atomic.LongAdder;

/**
 * The duplicates the dedupe steps of one instance have dropped since it started, over all its tasks:
 * a count that only grows, as a Prometheus counter must. The Kafka Streams sensor each task records
 * its drops on ({@link DedupeProcessor#DROPPED_METRIC}) goes with the task when a rebalance moves it
 * to another instance, so a sum of those sensors falls, and every fall reads as a counter reset that
 * adds the whole remaining count to {@code rate} and {@code increase}.
 */
public final class DroppedDuplicates {

    private final LongAdder dropped = new LongAdder();

    void add() {
        dropped.increment();
    }

    /** Duplicates dropped so far. */
    public long total() {
        return dropped.sum();
    }
}
