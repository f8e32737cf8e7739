package com.marketplace.streams.errors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input records' timestamps: each record's own, or, for one without a valid timestamp (negative,
 * which brokers accept from producers other than Kafka's Java client), its partition's time, as
 * Kafka's {@code UsePartitionTimeOnInvalidTimestamp} does, and 0 when the partition has no time yet
 * (its first record), where Kafka's fails. Kafka Streams' default extractor fails the stream thread
 * on such a record, which no exception handler sees, and every instance that took its task over
 * would fail on it again; here it goes through the topology as any other record does (to the DLQ
 * when its value is not an event). Not the current time: a partition read from its start would
 * then have its stream time moved to now at once, and the dedupe store and the orders-per-minute
 * windows would take every older record after it for expired.
 */
public final class InputTimestamps implements TimestampExtractor {

    private static final Logger log = LoggerFactory.getLogger(InputTimestamps.class);

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long timestamp = record.timestamp();
        if (timestamp >= 0) {
            return timestamp;
        }
        long replacement = Math.max(partitionTime, 0);
        log.warn("record at {}-{}@{} has no valid timestamp ({}); it is processed at {}", record.topic(),
                record.partition(), record.offset(), timestamp, replacement);
        return replacement;
    }
}
