package com.marketplace.streams.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record Kafka Streams cannot deserialize before the topology sees it (the order topics' values
 * are read as bytes, so in practice a key that is not well-formed UTF-8, or an unreadable internal
 * record): it goes to {@code marketplace.dlq}, key and value as received, in the {@link DeadLetters}
 * format, and processing goes on.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        log.warn("dead-lettering the unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), DeadLetters.oneLine(exception.toString()));
        return Response.resume(List.of(DeadLetters.record(record.key(), record.value(), record.headers(),
                DeadLetters.DESERIALIZATION_ERROR, exception.toString(),
                new DeadLetters.Source(record.topic(), record.partition(), record.offset()))));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
