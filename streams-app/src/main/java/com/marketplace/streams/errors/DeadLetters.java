package com.marketplace.streams.errors;

import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
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
 *       {@link EventHeaders#DLQ_SOURCE_OFFSET}: where the record came from;</li>
 *   <li>for a source record too large to copy whole ({@link #fit}), {@link EventHeaders#DLQ_VALUE_OMITTED}
 *       with an empty value, and perhaps {@link EventHeaders#DLQ_HEADERS_OMITTED} and
 *       {@link EventHeaders#DLQ_KEY_OMITTED}.</li>
 * </ul>
 */
public final class DeadLetters {

    /** Error code of a record whose processing threw an exception the topology did not expect. */
    public static final String PROCESSING_ERROR = "PROCESSING_ERROR";
    /** Error code of a record Kafka Streams could not deserialize before the topology saw it. */
    public static final String DESERIALIZATION_ERROR = "DESERIALIZATION_ERROR";
    /** Error code of a record one of whose outputs could not be serialized. */
    public static final String OUTPUT_ERROR = "OUTPUT_ERROR";
    static final int MAX_MESSAGE_LENGTH = 1_000;
    /**
     * The largest dead-letter record written whole, key, value and headers: below the producer's
     * {@code max.request.size} and the topic's {@code max.message.bytes} (1 MiB by default), with room
     * for the record's framing. A source record that reached the input topic can be up to that size
     * itself, and its copy with the dead-letter headers would be refused: under exactly_once_v2 the
     * failed send would abort the transaction, and every instance that took the task over would fail
     * on the record again.
     */
    static final int MAX_RECORD_BYTES = Topics.DLQ_MAX_RECORD_BYTES;
    /** Bytes counted for each header beside its name and value (their lengths as varints, at most). */
    private static final int HEADER_FRAMING_BYTES = 10;

    /** The headers this class writes, the only ones a dead letter too large to copy whole keeps. */
    private static final Set<String> OWN_HEADERS = Set.of(EventHeaders.DLQ_ERROR, EventHeaders.DLQ_ERROR_MESSAGE,
            EventHeaders.DLQ_SOURCE_TOPIC, EventHeaders.DLQ_SOURCE_PARTITION, EventHeaders.DLQ_SOURCE_OFFSET,
            EventHeaders.DLQ_VALUE_OMITTED, EventHeaders.DLQ_HEADERS_OMITTED, EventHeaders.DLQ_KEY_OMITTED);

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
        Headers headers = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        put(headers, EventHeaders.DLQ_ERROR, error);
        put(headers, EventHeaders.DLQ_ERROR_MESSAGE, oneLine(message));
        if (source != null) {
            put(headers, EventHeaders.DLQ_SOURCE_TOPIC, source.topic());
            put(headers, EventHeaders.DLQ_SOURCE_PARTITION, Integer.toString(source.partition()));
            put(headers, EventHeaders.DLQ_SOURCE_OFFSET, Long.toString(source.offset()));
        }
        return headers;
    }

    /**
     * The dead-letter record of a source record's raw key and value ({@link #fit}); a key that still
     * leaves it too large is left out as well ({@link EventHeaders#DLQ_KEY_OMITTED} its size).
     */
    public static ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, Headers original, String error,
                                                         String message, Source source) {
        Headers headers = headers(original, error, message, source);
        // the larger of key and value goes first
        byte[] keptKey = length(key) > length(value) && !fits(key, value, headers) ? omitKey(key, headers) : key;
        byte[] fitted = fit(keptKey, value, headers);
        if (keptKey != null && !fits(keptKey, fitted, headers)) {
            keptKey = omitKey(key, headers);
        }
        return new ProducerRecord<>(Topics.DLQ, null, null, keptKey, fitted, headers);
    }

    /** Says in {@code headers} that {@code key} is left out; returns the key the record keeps: none. */
    private static byte[] omitKey(byte[] key, Headers headers) {
        put(headers, EventHeaders.DLQ_KEY_OMITTED, Integer.toString(key.length));
        return null;
    }

    /**
     * The value a dead-letter record of {@code key}, {@code value} and {@code headers} (dead-letter
     * headers included) can carry: {@code value} itself while the record stays within
     * {@link #MAX_RECORD_BYTES}; else the larger of the value and the source's own headers is left out
     * first, then the other if the record is still too large: an empty value, with
     * {@link EventHeaders#DLQ_VALUE_OMITTED} its size, and no header but the dead-letter ones, with
     * {@link EventHeaders#DLQ_HEADERS_OMITTED} how many were left out. The dead-letter headers always
     * stay, and with them where the record can still be read whole (source topic, partition, offset).
     *
     * @param headers the record's headers, changed here when something is left out
     */
    public static byte[] fit(byte[] key, byte[] value, Headers headers) {
        if (fits(key, value, headers)) {
            return value;
        }
        // the larger of the value and the source's own headers goes first
        if (length(value) < size(headers) - ownSize(headers)) {
            omitForeignHeaders(headers);
            if (fits(key, value, headers)) {
                return value;
            }
        }
        if (length(value) > 0) {
            put(headers, EventHeaders.DLQ_VALUE_OMITTED, Integer.toString(value.length));
        }
        if (!fits(key, null, headers)) {
            omitForeignHeaders(headers);
        }
        return value == null ? null : new byte[0];
    }

    private static boolean fits(byte[] key, byte[] value, Headers headers) {
        return length(key) + length(value) + size(headers) <= MAX_RECORD_BYTES;
    }

    /** Removes every header but the dead-letter ones, and says how many went. */
    private static void omitForeignHeaders(Headers headers) {
        int omitted = 0;
        for (Header header : headers.toArray()) {
            if (!OWN_HEADERS.contains(header.key())) {
                headers.remove(header.key());
                omitted++;
            }
        }
        if (omitted > 0) {
            put(headers, EventHeaders.DLQ_HEADERS_OMITTED, Integer.toString(omitted));
        }
    }

    private static int ownSize(Headers headers) {
        int bytes = 0;
        for (Header header : headers) {
            if (OWN_HEADERS.contains(header.key())) {
                bytes += size(header);
            }
        }
        return bytes;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static int size(Headers headers) {
        int bytes = 0;
        for (Header header : headers) {
            bytes += size(header);
        }
        return bytes;
    }

    private static int size(Header header) {
        return header.key().getBytes(StandardCharsets.UTF_8).length + length(header.value()) + HEADER_FRAMING_BYTES;
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
