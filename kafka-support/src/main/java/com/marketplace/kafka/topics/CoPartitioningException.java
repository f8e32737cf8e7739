package com.marketplace.kafka.topics;

/**
 * The two order topics have (or would get) different partition counts. The streams topology reads
 * both as one co-partitioned source keyed by orderId, so with different counts an order's events
 * would reach different tasks: a service refuses to start rather than produce wrong statistics.
 * The message is one line naming both topics and their counts.
 */
public class CoPartitioningException extends IllegalStateException {

    public CoPartitioningException(String message) {
        super(message);
    }
}
