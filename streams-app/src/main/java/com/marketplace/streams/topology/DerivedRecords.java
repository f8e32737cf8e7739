package com.marketplace.streams.topology;

import com.marketplace.events.EventEnvelope;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Forwards the records {@link FanOut} derives from a first-seen order event, each with no headers.
 *
 * <p>Kafka Streams hands every record it forwards the headers of the input record it came from. The
 * order events carry their envelope's identity as headers ({@code event-id}, {@code event-type},
 * {@code schema-version}), which describe the source event, not an email, a notification or an
 * analytics record: on those they would misname the record (an email's id is its {@code emailId};
 * the source event is named in its value, {@code sourceEventId}) and cost every output record their
 * bytes, five records per order event. The headers end here, at the last step before the sinks, so
 * a record that fails in an earlier step is still dead-lettered with the headers it came with.
 *
 * @param <V> the derived record's value
 */
final class DerivedRecords<V> implements FixedKeyProcessor<String, EventEnvelope, V> {

    private final Function<EventEnvelope, List<V>> derive;
    private FixedKeyProcessorContext<String, V> context;

    private DerivedRecords(Function<EventEnvelope, List<V>> derive) {
        this.derive = derive;
    }

    /** A step that forwards, for each event, the values {@code derive} returns, in its order. */
    static <V> FixedKeyProcessorSupplier<String, EventEnvelope, V> of(Function<EventEnvelope, List<V>> derive) {
        Objects.requireNonNull(derive, "derive");
        return () -> new DerivedRecords<>(derive);
    }

    /** A step that forwards one value per event. */
    static <V> FixedKeyProcessorSupplier<String, EventEnvelope, V> one(Function<EventEnvelope, V> derive) {
        Objects.requireNonNull(derive, "derive");
        return of(event -> List.of(derive.apply(event)));
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, EventEnvelope> record) {
        // headers dropped once per event, not copied into each derived record and then dropped
        FixedKeyRecord<String, EventEnvelope> withoutHeaders = record.withHeaders(new RecordHeaders());
        for (V value : derive.apply(record.value())) {
            context.forward(withoutHeaders.withValue(value));
        }
    }
}
