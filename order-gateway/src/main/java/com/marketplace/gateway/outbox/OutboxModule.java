package com.marketplace.gateway.outbox;

import com.marketplace.config.StartupFailure;
import com.marketplace.kafka.metrics.KafkaClientMeters;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.kafka.topics.TopicsRefusedException;
import com.marketplace.kafka.topics.TopicProvisioner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's background parts wired together for one gateway instance: the relay (also the
 * commit notifier) and its upkeep (backlog gauges, cleanup). {@link #prepareTopics()} creates the
 * order topics when missing and checks their co-partitioning, {@link #start()} launches the
 * threads; {@link #close()} stops them, letting the batch in flight finish. The relay's producer
 * reports its client metrics ({@code kafka.producer.*}: requests, batches, errors, retries,
 * buffer) to the gateway's registry.
 */
public final class OutboxModule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxModule.class);
    /** How long start-up waits for the brokers before leaving the topics to the relay. */
    private static final Duration START_TOPICS_TIMEOUT = Duration.ofSeconds(10);
    /** Bound of one attempt of the relay's own, retried, topic preparation. */
    private static final Duration RELAY_TOPICS_TIMEOUT = Duration.ofSeconds(30);
    /** How long the relay's close gives a topic attempt's client to close: its calls are given up by then. */
    private static final Duration CANCELLED_CLOSE_TIMEOUT = Duration.ofMillis(100);

    private final OutboxRelay relay;
    private final OutboxMaintenance maintenance;
    private final KafkaClientMeters<KafkaClientMetrics> producerMetrics;
    private final Properties kafkaProps;
    private final int topicPartitions;
    private final int replication;
    private boolean topicsReady;

    private OutboxModule(OutboxRelay relay, OutboxMaintenance maintenance,
            KafkaClientMeters<KafkaClientMetrics> producerMetrics, Properties kafkaProps, int topicPartitions,
            int replication) {
        this.relay = relay;
        this.maintenance = maintenance;
        this.producerMetrics = producerMetrics;
        this.kafkaProps = kafkaProps;
        this.topicPartitions = topicPartitions;
        this.replication = replication;
    }

    /**
     * @param outbox          the relay's store
     * @param upkeep          the store of the upkeep (backlog gauges, cleanup), whose statements may
     *                        run longer than the relay's
     * @param kafkaProps      client properties with at least {@code bootstrap.servers}
     * @param topicPartitions partitions of the order topics when they have to be created
     * @param replication     replication factor of the order topics when they have to be created
     */
    public static OutboxModule create(OutboxTransactions outbox, OutboxTransactions upkeep, MeterRegistry registry,
            RelaySettings settings, Duration retention, Properties kafkaProps, int topicPartitions, int replication,
            Clock clock) {
        OutboxMetrics metrics = new OutboxMetrics(registry, clock);
        KafkaProducer<String, byte[]> producer = OutboxPublisher.newProducer(kafkaProps);
        KafkaClientMeters<KafkaClientMetrics> producerMetrics = null;
        try {
            producerMetrics = KafkaClientMeters.of(
                    (scheduler, every) -> new KafkaClientMetrics(producer, List.of(), scheduler, every));
            producerMetrics.bindTo(registry);
            OutboxRelay relay = new OutboxRelay(outbox, new OutboxPublisher(producer, clock), settings, metrics, clock);
            OutboxMaintenance maintenance = new OutboxMaintenance(upkeep, metrics, retention, settings.relayId(),
                    clock);
            return new OutboxModule(relay, maintenance, producerMetrics, kafkaProps, topicPartitions, replication);
        } catch (RuntimeException | Error e) {
            // nothing has started yet: the producer's I/O thread and the meters' look-ups are all there is to stop
            closeAfterFailedCreate(producer, producerMetrics, e);
            throw e;
        }
    }

    private static void closeAfterFailedCreate(KafkaProducer<String, byte[]> producer,
                                               KafkaClientMeters<KafkaClientMetrics> producerMetrics, Throwable cause) {
        if (producerMetrics != null) {
            StartupFailure.closeAddingTo(cause, producerMetrics::close);
        }
        StartupFailure.closeAddingTo(cause, () -> producer.close(Duration.ZERO));
    }

    /**
     * Creates the order topics when missing and checks that both have the same partition count,
     * before the gateway serves anything. When the brokers do not answer in time the gateway starts
     * anyway (orders wait in the outbox) and the relay does this before its first round, retrying
     * until it succeeds: a relay that then finds the topics not co-partitioned, or refused, publishes
     * nothing and logs why on every attempt.
     *
     * @throws CoPartitioningException when the two order topics have different partition counts
     * @throws TopicsRefusedException  when the brokers answer and refuse the topics (a topic policy,
     *                                 missing permission to create them); a {@code TOPIC_REPLICATION_FACTOR}
     *                                 above their count is not a refusal (brokers may still be starting):
     *                                 the warning names it and the relay tries again
     */
    public void prepareTopics() {
        try {
            provisionTopics(START_TOPICS_TIMEOUT);
            topicsReady = true;
        } catch (CoPartitioningException | TopicsRefusedException e) {
            throw e;
        } catch (IllegalStateException e) {
            log.warn("Order topics not checked at start-up, the relay will before its first round: {}", e.getMessage());
        }
    }

    /** Starts the relay and its upkeep; topics not prepared yet are prepared by the relay first. */
    public void start() {
        if (!topicsReady) {
            RelayTopicWork work = new RelayTopicWork();
            relay.beforeFirstRound(work::attempt, work::cancel);
        }
        relay.start();
        maintenance.start();
    }

    private void provisionTopics(Duration timeout) {
        provisionTopics(newAdmin(timeout), timeout);
    }

    private Admin newAdmin(Duration timeout) {
        return Admin.create(TopicProvisioner.adminProperties(kafkaProps, timeout));
    }

    /** Provisions the order topics with {@code admin}, then closes it, giving up calls still pending. */
    private void provisionTopics(Admin admin, Duration timeout) {
        try {
            TopicProvisioner.withPipelineRetention(admin, topicPartitions, replication).provisionOrderTopics(timeout);
        } finally {
            admin.close(TopicProvisioner.CLOSE_TIMEOUT);
        }
    }

    /**
     * The relay's attempts at the topics before its first round, which the relay's close cuts short: it
     * holds no rows then, and an attempt against brokers that do not answer would otherwise hold the close
     * for a whole lease and run on after it.
     */
    private final class RelayTopicWork {

        private volatile boolean cancelled;
        /** The client of the attempt under way, for a cancel to close: its calls then fail within that close. */
        private volatile Admin current;

        void attempt() {
            if (cancelled) {
                throw new IllegalStateException("the relay is closing");
            }
            Admin admin = newAdmin(RELAY_TOPICS_TIMEOUT);
            current = admin; // before the check: a cancel either finds this client or is found by the check
            try {
                if (cancelled) {
                    admin.close(TopicProvisioner.CLOSE_TIMEOUT);
                    throw new IllegalStateException("the relay is closing");
                }
                provisionTopics(admin, RELAY_TOPICS_TIMEOUT);
            } finally {
                current = null;
            }
        }

        void cancel() {
            cancelled = true;
            Admin admin = current;
            if (admin != null) {
                admin.close(CANCELLED_CLOSE_TIMEOUT);
            }
        }
    }

    /** Completes with what stopped the relay, should one of its threads fail ({@link OutboxRelay#failure()}). */
    public CompletionStage<Throwable> relayFailure() {
        return relay.failure();
    }

    /** Asks the relay for a claim round (e.g. after a FAILED row was put back to PENDING). */
    public OutboxNotifier notifier() {
        return relay;
    }

    /** The direct path from order transactions to the relay. */
    public OutboxHandoff handoff() {
        return relay;
    }

    @Override
    public void close() {
        try {
            maintenance.close();
            relay.close();
        } finally {
            maintenance.awaitStopped(); // a statement of the upkeep's ends while the relay stops, or soon after
            producerMetrics.close(); // also when the relay's producer, closed by a thread interrupted, threw
        }
    }
}
