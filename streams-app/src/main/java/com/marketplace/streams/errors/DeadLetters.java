package com.marketplace.streams.errors;

import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one format of a record on {@code marketplace.dlq}, whoever writes it (the topology's decode
 * step, or the exception handlers for what the topology does not route itself): the source record's
 * key and value as received, its own headers, and
 * <ul>
 *   <li>{@link EventHeaders#DLQ_ERROR}: a short code (a decoding reason, {@code KEY_MISMATCH},
 *       {@link #PROCESSING_ERROR}, {@link #DESERIALIZATION_ERROR}, {@link #OUTPUT_ERROR});</li>
 *   <li>{@link EventHeaders#DLQ_ERROR_MESSAGE}: what went wrong, one line of at most
 *       {@value #MAX_MESSAGE_LENGTH} characters;</li>
 *   <li>{@link EventHeaders#DLQ_SOURCE_TOPIC}, {@link EventHeaders#DLQ_SOURCE_PARTITION},
 *       {@link EventHeaders#DLQ_SOURCE_OFFSET}: where the record came from.</li>
 * </ul>
 */
public final class DeadLetters {

    /** Error code of a record whose processing threw an exception the topology did not expect. */
    public static final String PROCESSING_ERROR = "PROCESSING_ERROR";
    /** Error code of a record Kafka Streams could not deserialize before the topology saw it. */
    public static final String DESERIALIZATION_ERROR = "DESERIALIZATION_ERROR";
    /** Error code of a record one of whose outputs could not be serialized or was too large to write. */
    public static final String OUTPUT_ERROR = "OUTPUT_ERROR";
    static final int MAX_MESSAGE_LENGTH = 1_000;

    private DeadLetters() {
    }

    /** Where a dead-lettered record came from. */
    public record Source(String topic, int partition, long offset) {
    }

    /**
     * {@code original} plus the dead-letter headers (replacing any of the same names).
     *
     * @param source null when the record's origin is unknown (then no source headers are added)
     */
    public static Headers headers(Headers original, String error, String message, Source source) {
        Headers headers = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0]
                : original.toArray());
        put(headers, EventHeaders.DLQ_ERROR, error);
        put(headers, EventHeaders.DLQ_ERROR_MESSAGE, oneLine(message));
        if (source != null) {
            put(headers, EventHeaders.DLQ_SOURCE_TOPIC, source.topic());
            put(headers, EventHeaders.DLQ_SOURCE_PARTITION, Integer.toString(source.partition()));
            put(headers, EventHeaders.DLQ_SOURCE_OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    /** The dead-letter record of a source record's raw key and value. */
    public static ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, Headers original, String error,
                                                         String message, Source source) {
        return new ProducerRecord<>(Topics.DLQ, null, null, key, value, headers(original, error, message, source));
    }

    /** {@code message} on one line, at most {@value #MAX_MESSAGE_LENGTH} characters. */
    public static String oneLine(String message) {
        String text = String.valueOf(message).replace('\r', ' ').replace('\n', ' ');
        return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
