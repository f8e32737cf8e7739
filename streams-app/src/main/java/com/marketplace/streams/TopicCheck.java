package com.marketplace.streams;

import com.marketplace.events.Topics;
import com.marketplace.kafka.topics.ProvisionedTopics;
import com.marketplace.kafka.topics.TopicProvisioner;
import com.marketplace.streams.config.StreamsAppConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The topics a start needs: the input topics (so the app can start before the gateway) and the
 * output topics, created when missing, the order topics checked for co-partitioning (their count
 * is what {@link #await} returns), and
 * {@code dedupe-store}'s changelog kept as long as {@code DEDUPE_RETENTION} needs
 * ({@link DedupeChangelogRetention}); and the Kafka cluster's id, which the local state is kept
 * for ({@link StateLayout}). It runs on a
 * thread of its own from {@link #begin} on, because it mostly waits for the broker while the rest
 * of a start mostly loads classes: begun before the app is built ({@link Main}), it no longer adds
 * its seconds to a restart on a busy machine. {@link #await} is called before Kafka Streams starts.
 */
final class TopicCheck {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private final StartupWork work;
    /** Set by the work, read once it has ended. */
    private final AtomicReference<Checked> checked;

    private TopicCheck(StartupWork work, AtomicReference<Checked> checked) {
        this.work = work;
        this.checked = checked;
    }

    /**
     * What the check found.
     *
     * @param orderTopicPartitions the partition count of the order topics
     * @param clusterId            the Kafka cluster's id, null if it reports none
     */
    record Checked(int orderTopicPartitions, String clusterId) {
    }

    /** Starts the check for {@code config}'s broker, partitions and replication factor. */
    static TopicCheck begin(StreamsAppConfig config) {
        AtomicReference<Checked> checked = new AtomicReference<>();
        return new TopicCheck(StartupWork.begin("streams-topic-check", () -> checked.set(createTopics(config))),
                checked);
    }

    /**
     * Waits for the check.
     *
     * @throws com.marketplace.kafka.topics.CoPartitioningException when the two order topics have
     *                                                              different partition counts
     * @throws IllegalStateException when the broker could not be reached to prepare the topics
     */
    Checked await() {
        work.await();
        return checked.get();
    }

    private static Checked createTopics(StreamsAppConfig config) {
        Admin admin = Admin.create(TopicProvisioner.adminProperties(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()), ADMIN_TIMEOUT));
        try {
            ProvisionedTopics topics = TopicProvisioner.withPipelineRetention(admin, config.topicPartitions(),
                    config.topicReplicationFactor()).provision(Topics.OUTPUT_TOPICS, ADMIN_TIMEOUT);
            DedupeChangelogRetention.raise(admin, config.applicationId(), config.dedupeRetention(), ADMIN_TIMEOUT);
            return new Checked(topics.orderTopicPartitions(), clusterId(admin));
        } finally {
            admin.close(TopicProvisioner.CLOSE_TIMEOUT);
        }
    }

    private static String clusterId(Admin admin) {
        try {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) ADMIN_TIMEOUT.toMillis()))
                    .clusterId().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the Kafka cluster for its id", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the Kafka cluster's id: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot read the Kafka cluster's id: no answer in " + ADMIN_TIMEOUT, e);
        }
    }
}
