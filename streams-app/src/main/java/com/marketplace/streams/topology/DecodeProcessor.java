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
 * {@link #KEY_MISMATCH} when the record key is not the envelope's orderId: deduplication and the
 * per-order state rely on all events of an order sharing the key, so such a record is refused.
 */
public final class DecodeProcessor implements FixedKeyProcessor<String, byte[], DecodedEvent> {

    /** DLQ error for a record whose key is not its envelope's aggregateId (orderId). */
    public static final String KEY_MISMATCH = "KEY_MISMATCH";

    private static final Logger log = LoggerFactory.getLogger(DecodeProcessor.class);

    private FixedKeyProcessorContext<String, DecodedEvent> context;

    @Override
    public void init(FixedKeyProcessorContext<String, DecodedEvent> context) {
        this.context = context;
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
