package com.marketplace.streams.errors;

import com.marketplace.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output record its serializer refuses: its source record goes to {@code marketplace.dlq} in the
 * {@link DeadLetters} format, in the same transaction as the record's offset, and processing goes
 * on; the source record's other outputs are written. Left to Kafka's answer, such a record would
 * fail the stream thread, and every instance that took over its task would fail on it again.
 *
 * <p>An output larger than the producer or the topic accepts ({@link RecordTooLargeException}) stops
 * processing instead, naming the topic. It cannot be left out reliably: under exactly_once_v2 the
 * refused send puts the producer's transaction in an abortable state, so nothing sent since the last
 * commit, the dead letter included, could be committed; and a refusal by the broker is reported on
 * the producer's own I/O thread, where a dead letter to a topic the producer has no metadata for yet
 * waits for metadata that thread would fetch, up to {@code max.block.ms}, holding every send of the
 * stream thread with it. Derived records stay within their event's size (an email or notification
 * holds a few bounded fields, the analytics record no more than its event), so only an output topic
 * given a smaller {@code max.message.bytes} than the order topics refuses one: raising it is the fix.
 *
 * <p>Only records of the derived topics (email, notification, analytics) are dead-lettered. Any other
 * send error is not the record's fault, and a record of another topic (a store's changelog, the DLQ
 * itself) cannot be left out: a retriable error is retried and the rest stop processing, as Kafka's
 * default handler does.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
    /** The topics whose records an event's processing derives; only theirs can be dead-lettered. */
    private static final Set<String> DERIVED = Set.of(Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS);

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        if (exception instanceof RecordTooLargeException && DERIVED.contains(record.topic())) {
            log.error("stopping: an output of the record at {}-{}@{} to {} is larger than the producer or the topic"
                    + " accepts; raise the topic's max.message.bytes", context.topic(), context.partition(),
                    context.offset(), record.topic(), exception);
        }
        // a dead-letter record is kept within the topic's default limit (DeadLetters.fit): one the DLQ
        // topic still refuses means a topic set up with a smaller limit, which every dead letter meets;
        // and a store's changelog record left out would leave the store's restored copy unlike the store
        return Response.fail();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        return DERIVED.contains(record.topic()) ? deadLetter(context, record.topic(), exception) : Response.fail();
    }

    private static Response deadLetter(ErrorHandlerContext context, String outputTopic, Exception exception) {
        log.warn("dead-lettering the record at {}-{}@{}: its output to {} from processor {} cannot be written: {}",
                context.topic(), context.partition(), context.offset(), outputTopic, context.processorNodeId(),
                DeadLetters.oneLine(exception.toString()));
        return Response.resume(List.of(DeadLetters.record(context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), DeadLetters.OUTPUT_ERROR,
                context.processorNodeId() + " -> " + outputTopic + ": " + exception,
                new DeadLetters.Source(context.topic(), context.partition(), context.offset()))));
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
