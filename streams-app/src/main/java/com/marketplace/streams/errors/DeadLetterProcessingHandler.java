package com.marketplace.streams.errors;

import com.marketplace.kafka.errors.Causes;
import com.marketplace.streams.serde.UnreadableStateValueException;
import com.marketplace.streams.topology.OrderTopology;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown while the topology processes a record: the source record goes to
 * {@code marketplace.dlq} in the {@link DeadLetters} format, in the same transaction as the
 * record's offset, and processing goes on.
 *
 * <p>Except when a stored state value cannot be read ({@link UnreadableStateValueException}): that is
 * no fault of the record, every later record of the same key would fail the same way, and the
 * partial-order sweep (a punctuation, with no record) reads every order state. So processing stops
 * (the client shuts down, see {@code StreamsApp}) and, under exactly_once_v2, the open transaction is
 * aborted. Dead-lettering would let the statistics silently drift from the events. The same holds
 * for a failure of Kafka Streams' own machinery met while processing (a {@link StreamsException}: a
 * state store that cannot be written, a send that failed for good before): it stops processing too.
 *
 * <p>And for any exception inside the step that writes several state stores for one event, the
 * order statistics ({@link OrderTopology#ORDER_STATISTICS}). Resuming would commit the event's
 * outputs and its eventId in {@code dedupe-store} without its statistics, or with part of them when
 * a write failed (the step reads and works out everything before its first write), and no copy of
 * the event could ever complete them. Stopping aborts the open transaction under exactly_once_v2, so nothing
 * of the event is committed, and it is processed again, whole, by the version that fixes the cause.
 * The stateless steps (the derived records) dead-letter: their record is left out, the event's
 * other outputs and its statistics are written, and the dead letter names the step.
 *
 * <p>An exception in a punctuation (the partial-order purge's sweeps) has no record to dead-letter:
 * it is logged and the punctuation runs again at its next interval. A sweep that stopped part way
 * leaves nothing inconsistent; the next one finishes it.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (unreadableStateValue(exception)) {
            return stop(context, record, "could not read a stored state value", exception);
        }
        if (kafkaStreamsFailed(exception)) {
            return stop(context, record, "met a failure of Kafka Streams itself (a state store, an earlier send)",
                    exception);
        }
        if (OrderTopology.ORDER_STATISTICS.equals(context.processorNodeId())) {
            return stop(context, record, "failed and may have written part of its state stores", exception);
        }
        if (record == null) {
            log.error("processor {} failed during a punctuation; it runs again at its next interval",
                    context.processorNodeId(), exception);
            return Response.resume();
        }
        log.warn("dead-lettering the record at {}-{}@{}: processor {} failed: {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), DeadLetters.oneLine(exception.toString()), exception);
        return Response.resume(List.of(DeadLetters.record(context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), DeadLetters.PROCESSING_ERROR,
                context.processorNodeId() + ": " + exception,
                new DeadLetters.Source(context.topic(), context.partition(), context.offset()))));
    }

    private static Response stop(ErrorHandlerContext context, Record<?, ?> record, String what, Exception exception) {
        if (record == null) {
            log.error("stopping: processor {} {} during a punctuation", context.processorNodeId(), what, exception);
        } else {
            log.error("stopping: processor {} {} while processing {}-{}@{}", context.processorNodeId(), what,
                    context.topic(), context.partition(), context.offset(), exception);
        }
        return Response.fail();
    }

    /**
     * A {@link StreamsException} anywhere in the chain is Kafka Streams' own machinery failing (a
     * state store that cannot be written, {@code ProcessorStateException}; a send that failed for good
     * before, raised again at the next send), no fault of the record: every later record would fail
     * the same way, and dead-lettering them would drop each one's outputs and statistics.
     */
    private static boolean kafkaStreamsFailed(Throwable exception) {
        return Causes.include(exception, StreamsException.class);
    }

    /**
     * A state value of this app's own serdes that cannot be read, or one of a store kept with one of
     * Kafka's serdes (a count, an offset, the partial orders' times), which throw a
     * {@link SerializationException}: inside processing only a store's value goes through those (the
     * input is read before, by the deserialization handler's rules; the outputs after, by the
     * production handler's).
     */
    private static boolean unreadableStateValue(Throwable exception) {
        return Causes.include(exception, UnreadableStateValueException.class)
                || Causes.include(exception, SerializationException.class);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }
}
