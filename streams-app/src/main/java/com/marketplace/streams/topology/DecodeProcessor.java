package com.marketplace.streams.topology;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventDecodingException;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.EventHeaders;
import com.marketplace.streams.errors.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the envelope of every input record. A record that cannot be used is forwarded as a
 * {@link DecodedEvent#failed failure} carrying the dead-letter headers ({@link DeadLetters}: {@link
 * EventHeaders#DLQ_ERROR}, message and source topic/partition/offset) so the topology writes it to
 * the DLQ and goes on.
 * Errors: the codec's reasons (MALFORMED, UNKNOWN_EVENT_TYPE, UNSUPPORTED_SCHEMA_VERSION) and
 * {@link #KEY_MISMATCH} when the record key is not the envelope's orderId, and {@link #WRONG_PARTITION}
 * when the record was read on another partition than the one its key hashes to: deduplication and
 * the per-order state rely on all events of an order sharing the key and so the task, and the query
 * API looks an order up at its key's partition, so such a record is refused.
 */
public final class DecodeProcessor implements FixedKeyProcessor<String, byte[], DecodedEvent> {

    /** DLQ error for a record whose key is not its envelope's aggregateId (orderId). */
    public static final String KEY_MISMATCH = "KEY_MISMATCH";
    /**
     * DLQ error for a record on another partition than the Java client's default partitioner picks
     * for its key (a writer that chose the partition itself, or hashed the key otherwise).
     */
    public static final String WRONG_PARTITION = "WRONG_PARTITION";

    private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);

    private final InputPartitionCount inputPartitions;
    private FixedKeyProcessorContext<String, DecodedEvent> context;
    /** The order topics' partition count, 0 when unknown (nothing checked). */
    private int partitions;
    /** The input partition every record of this task is read on: the task's own, of both order topics. */
    private int taskPartition;

    public DecodeProcessor(InputPartitionCount inputPartitions) {
        this.inputPartitions = inputPartitions;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, DecodedEvent> context) {
        this.context = context;
        this.partitions = inputPartitions.count();
        this.taskPartition = context.taskId().partition();
    }

    @Override
    public void process(FixedKeyRecord<String, byte[]> record) {
        EventEnvelope event;
        try {
            event = EventCodec.INSTANCE.decodeEnvelope(record.value());
        } catch (EventDecodingException e) {
            deadLetter(record, e.reason().name(), e.getMessage());
            return;
        }
        if (!event.key().equals(record.key())) {
            deadLetter(record, KEY_MISMATCH, "record key '" + record.key() + "' is not the envelope's aggregateId '"
                    + event.key() + "'");
            return;
        }
        if (partitions > 0) {
            int keys = InputPartitionCount.partitionOf(record.key(), partitions);
            if (keys != taskPartition) {
                deadLetter(record, WRONG_PARTITION, "record read on partition " + taskPartition
                        + " but its key hashes to partition " + keys + " of " + partitions
                        + " (murmur2, the Java client's default): every event of an order must be on its key's"
                        + " partition");
                return;
            }
        }
        context.forward(record.withValue(DecodedEvent.of(event)));
    }

    private void deadLetter(FixedKeyRecord<String, byte[]> record, String error, String message) {
        DeadLetters.Source source = context.recordMetadata()
                .map(m -> new DeadLetters.Source(m.topic(), m.partition(), m.offset())).orElse(null);
        log.warn("dead-lettering record key={} from {}: {} {}", record.key(), source == null ? "?"
                : source.topic() + "-" + source.partition() + "@" + source.offset(), error, DeadLetters.oneLine(message));
        Headers headers = DeadLetters.headers(record.headers(), error, message, source);
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = DeadLetters.fit(key, record.value(), headers);
        context.forward(record.withValue(DecodedEvent.failed(value)).withHeaders(headers));
    }
}
