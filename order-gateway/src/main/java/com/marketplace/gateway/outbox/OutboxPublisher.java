package com.marketplace.gateway.outbox;

import com.marketplace.events.EventType;
import com.marketplace.kafka.errors.Causes;
import com.marketplace.kafka.records.EventRecordHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidMetadataException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows (claimed, or handed over at their commit) to Kafka: key = orderId, value = the stored envelope bytes,
 * headers {@code event-id}, {@code event-type}, {@code schema-version}. The relay hands a whole
 * batch to the producer at once ({@link #send}) and reads the acknowledgements later, while it
 * claims or records other batches; with no linger the producer's sender takes the batch's records
 * together, so a batch costs a round trip per partition leader, not one per record. The producer is
 * idempotent with {@code acks=all} and at most 5 requests in flight, which keeps per-partition
 * order across internal retries.
 */
public final class OutboxPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    /** The longest a closing publisher waits for the records in flight to be acknowledged. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Producer<String, byte[]> producer;
    private final Clock clock;
    /**
     * Set when {@link #close()} begins: the producer then fails what it has not delivered (and every
     * send still waiting for metadata) with errors of its own closing, which say nothing of the
     * event or the broker.
     */
    private volatile boolean closed;

    public OutboxPublisher(Producer<String, byte[]> producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    /** A publisher with its own producer configured by {@link #producerProperties(Properties)}. */
    public static OutboxPublisher create(Properties base, Clock clock) {
        return new OutboxPublisher(newProducer(base), clock);
    }

    /** The relay's producer, configured by {@link #producerProperties(Properties)}; the caller closes it. */
    static KafkaProducer<String, byte[]> newProducer(Properties base) {
        return new KafkaProducer<>(producerProperties(base), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The relay's producer settings on top of {@code base} (which must hold bootstrap.servers).
     * Delivery guarantees (acks, idempotence, in-flight limit) are fixed; timeouts and batching
     * given in {@code base} win over the defaults here.
     */
    public static Properties producerProperties(Properties base) {
        Properties props = new Properties();
        props.putAll(base);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        // No linger: a round hands the producer a whole batch at once, so records still batch up
        // behind requests in flight, and a row handed over at commit leaves without waiting.
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        return props;
    }

    /**
     * Publishes {@code rows} in order and waits for every acknowledgement (bounded by the
     * producer's delivery timeout). Never throws for a per-record failure; each row gets an outcome.
     */
    List<PublishOutcome> publish(List<OutboxRow> rows) {
        Sent sent = send(rows);
        flush();
        return sent.awaitOutcomes();
    }

    /**
     * Hands {@code rows} to the producer in order without waiting, so the caller can do other
     * work (claim the next batch, record the previous one) while they are in flight. When a send
     * fails at once with a retriable error (e.g. no metadata for its topic after {@code max.block.ms}:
     * the broker unreachable, or the topic missing), the batch's later rows of that topic are not
     * attempted and come back as NOT_SENT; the rows of the other topic still go, so a topic the
     * broker lacks holds back its own events only (a batch holds one event per order at most, so no
     * order's events are reordered by it).
     */
    public Sent send(List<OutboxRow> rows) {
        List<Future<?>> futures = new ArrayList<>(rows.size());
        Instant[] ackedAt = new Instant[rows.size()];
        Set<String> stalled = new HashSet<>(2);
        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            String topic = topicOf(row).orElse(""); // an unknown event type fails its send for good
            if (stalled.contains(topic)) {
                futures.add(null);
                continue;
            }
            int index = i;
            Future<?> future = send(row, (metadata, error) -> {
                if (error == null) {
                    ackedAt[index] = clock.instant(); // on the producer's thread, before the future completes
                }
            });
            futures.add(future);
            if (failedAtOnceRetriably(future)) {
                stalled.add(topic);
            }
        }
        return new Sent(this, rows, futures, ackedAt);
    }

    /** A batch handed to the producer; {@link #awaitOutcomes()} waits for its acknowledgements. */
    public static final class Sent {

        /** An empty batch, usable as a marker. */
        public static final Sent NOTHING = new Sent(null, List.of(), List.of(), new Instant[0]);

        private final OutboxPublisher publisher;
        private final List<OutboxRow> rows;
        private final List<Future<?>> futures;
        /** When the broker's acknowledgement of each row's send came, as its producer's thread saw it. */
        private final Instant[] ackedAt;

        private Sent(OutboxPublisher publisher, List<OutboxRow> rows, List<Future<?>> futures, Instant[] ackedAt) {
            this.publisher = publisher;
            this.rows = rows;
            this.futures = futures;
            this.ackedAt = ackedAt;
        }

        public List<OutboxRow> rows() {
            return rows;
        }

        /**
         * Waits until every record's acknowledgement or failure has come, or until {@code deadlineNanos}
         * ({@link System#nanoTime()}) has passed, whichever is first.
         *
         * @return whether every record's outcome is known now
         */
        public boolean awaitDone(long deadlineNanos) {
            for (Future<?> future : futures) {
                if (future == null || future.isDone()) {
                    continue;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    future.get(left, TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException e) {
                    // done, with a failure that awaitOutcomes() reports
                } catch (TimeoutException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }

        /** Waits for every record's acknowledgement or failure and returns one outcome per row, in order. */
        public List<PublishOutcome> awaitOutcomes() {
            List<PublishOutcome> outcomes = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Future<?> future = futures.get(i);
                int index = i;
                outcomes.add(future == null ? PublishOutcome.notSent(rows.get(i))
                        : publisher.outcomeOf(rows.get(i), future, () -> ackedAt[index]));
            }
            return outcomes;
        }
    }

    private Future<?> send(OutboxRow row, Callback onCompletion) {
        try {
            return producer.send(toRecord(row), onCompletion);
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void flush() {
        try {
            producer.flush();
        } catch (KafkaException e) {
            log.warn("Producer flush failed: {}", e.toString());
        }
    }

    /** The record published for a row: topic by event type, key = orderId, value = stored envelope, identity headers. */
    public static ProducerRecord<String, byte[]> toRecord(OutboxRow row) {
        String topic = topicOf(row)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type '" + row.eventType() + "'"));
        return new ProducerRecord<>(topic, null, row.aggregateId(), utf8(row.payload()),
                EventRecordHeaders.of(row.eventId(), row.eventType(), row.schemaVersion()));
    }

    /** The row's topic, by its event type; empty for an event type this version does not know. */
    private static Optional<String> topicOf(OutboxRow row) {
        return EventType.fromWireName(row.eventType()).map(EventType::topic);
    }

    /**
     * The row's outcome once its send has ended. A failure read after {@link #close()} began is
     * {@code NOT_SENT} unless it says the event can never be sent: the failure may be the close's own
     * (a send cut off by it counts no attempt against the event, and parks nothing), and the row is
     * released to be sent again. So is a row whose send has not ended when an interrupted thread asks.
     */
    private PublishOutcome outcomeOf(OutboxRow row, Future<?> future, Supplier<Instant> ackedAt) {
        try {
            future.get(); // returns once the send's callback has run: ackedAt is set when it succeeded
            return PublishOutcome.acked(row, Objects.requireNonNullElseGet(ackedAt.get(), clock::instant));
        } catch (ExecutionException e) {
            Exception cause = e.getCause() instanceof Exception ex ? ex : e;
            PublishOutcome.Result result = classify(cause);
            if (closed && result != PublishOutcome.Result.NON_RETRIABLE) {
                return PublishOutcome.notSent(row);
            }
            return PublishOutcome.failed(row, result, cause);
        } catch (InterruptedException e) {
            // Kafka's future checks the interrupt before its result (and the throw cleared it): a send that
            // has ended is read again without it; one that has not counts no attempt, and is sent again
            try {
                return future.isDone() ? outcomeOf(row, future, ackedAt) : PublishOutcome.notSent(row);
            } finally {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean failedAtOnceRetriably(Future<?> future) {
        if (!future.isDone()) {
            return false;
        }
        try {
            future.get();
            return false;
        } catch (ExecutionException e) {
            return e.getCause() instanceof RetriableException;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Failures that resending the same bytes can never fix are non-retriable; those that say the
     * broker could not take the record (the producer retried them until its delivery timeout) mean
     * the broker or partition is unavailable; a refusal of this client, anywhere in the cause chain (a
     * producer that met one fails every later send with it as the cause), is {@code REFUSED}; all
     * others are retried up to the attempts allowed.
     */
    static PublishOutcome.Result classify(Exception error) {
        if (Causes.include(error, AuthorizationException.class)
                || Causes.include(error, AuthenticationException.class)) {
            return PublishOutcome.Result.REFUSED;
        }
        boolean permanent = error instanceof RecordTooLargeException
                || error instanceof RecordBatchTooLargeException
                || error instanceof SerializationException
                || error instanceof InvalidTopicException
                || error instanceof IllegalArgumentException;
        if (permanent) {
            return PublishOutcome.Result.NON_RETRIABLE;
        }
        boolean unavailable = error instanceof org.apache.kafka.common.errors.TimeoutException
                // a network error, no leader, not the leader, an unknown topic or partition
                || error instanceof InvalidMetadataException
                || error instanceof NotEnoughReplicasException
                || error instanceof NotEnoughReplicasAfterAppendException;
        return unavailable ? PublishOutcome.Result.UNAVAILABLE : PublishOutcome.Result.RETRIABLE;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Flushes what is in flight and closes the producer, waiting at most {@link #CLOSE_TIMEOUT}: a
     * broker that does not answer must not hold a stopping gateway for the delivery timeout. Records
     * not acknowledged by then stay unrecorded in the outbox and are sent again after their lease.
     */
    @Override
    public void close() {
        closed = true;
        producer.close(CLOSE_TIMEOUT);
    }
}
