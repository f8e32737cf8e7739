package com.marketplace.streams.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown while the topology processes a record: the source record goes to
 * {@code marketplace.dlq} in the {@link DeadLetters} format, in the same transaction as the
 * record's offset, and processing goes on.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        log.warn("dead-lettering the record at {}-{}@{}: processor {} failed: {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), DeadLetters.oneLine(exception.toString()), exception);
        return Response.resume(List.of(DeadLetters.record(context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), DeadLetters.PROCESSING_ERROR,
                context.processorNodeId() + ": " + exception,
                new DeadLetters.Source(context.topic(), context.partition(), context.offset()))));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
