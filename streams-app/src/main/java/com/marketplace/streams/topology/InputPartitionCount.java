package com.marketplace.streams.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The order topics' partition count, for {@link DecodeProcessor} to refuse an event read on another
 * partition than its key's. The app's topic check learns it ({@code TopicCheck}) before Kafka
 * Streams starts, so before any processor is initialised. While it is unknown (a topology built
 * without a start, as a test driver runs it: one partition per topic) nothing is checked.
 */
public final class InputPartitionCount {

    private volatile int count;

    /** A count not known yet: {@link #partitionOf} says nothing until {@link #set} is called. */
    public InputPartitionCount() {
    }

    /** A count known already. */
    public static InputPartitionCount of(int partitions) {
        InputPartitionCount count = new InputPartitionCount();
        count.set(partitions);
        return count;
    }

    /** Sets the count the order topics have. */
    public void set(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition: " + partitions);
        }
        count = partitions;
    }

    /** The count, or 0 while it is unknown. */
    int count() {
        return count;
    }

    /**
     * The partition of {@code partitions} that the Java client's default partitioner picks for
     * {@code key} (its UTF-8 bytes' murmur2 hash), as the relay's producer and the query API's
     * look-ups pick it.
     */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
