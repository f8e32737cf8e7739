package com.marketplace.streams;

import com.marketplace.events.Topics;
import com.marketplace.kafka.topics.ProvisionedTopics;
import com.marketplace.kafka.topics.TopicProvisioner;
import com.marketplace.streams.config.StreamsAppConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The topics a start needs: the input topics (so the app can start before the gateway) and the
 * output topics, created when missing, the order topics checked for co-partitioning (their count
 * is what {@link #await} returns), and
 * {@code dedupe-store}'s changelog kept as long as {@code DEDUPE_RETENTION} needs
 * ({@link DedupeChangelogRetention}). It runs on a
 * thread of its own from {@link #begin} on, because it mostly waits for the broker while the rest
 * of a start mostly loads classes: begun before the app is built ({@link Main}), it no longer adds
 * its seconds to a restart on a busy machine. {@link #await} is called before Kafka Streams starts.
 */
final class TopicCheck {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private final StartupWork work;
    /** Set by the work, read once it has ended. */
    private final AtomicInteger orderTopicPartitions;

    private TopicCheck(StartupWork work, AtomicInteger orderTopicPartitions) {
        this.work = work;
        this.orderTopicPartitions = orderTopicPartitions;
    }

    /** Starts the check for {@code config}'s broker, partitions and replication factor. */
    static TopicCheck begin(StreamsAppConfig config) {
        AtomicInteger partitions = new AtomicInteger();
        return new TopicCheck(StartupWork.begin("streams-topic-check", () -> partitions.set(createTopics(config))),
                partitions);
    }

    /**
     * Waits for the check.
     *
     * @return the partition count of the order topics
     * @throws com.marketplace.kafka.topics.CoPartitioningException when the two order topics have
     *                                                              different partition counts
     * @throws IllegalStateException when the broker could not be reached to prepare the topics
     */
    int await() {
        work.await();
        return orderTopicPartitions.get();
    }

    private static int createTopics(StreamsAppConfig config) {
        try (Admin admin = Admin.create(TopicProvisioner.adminProperties(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()), ADMIN_TIMEOUT))) {
            ProvisionedTopics topics = TopicProvisioner.withPipelineRetention(admin, config.topicPartitions(),
                    config.topicReplicationFactor()).provision(Topics.OUTPUT_TOPICS, ADMIN_TIMEOUT);
            DedupeChangelogRetention.raise(admin, config.applicationId(), config.dedupeRetention(), ADMIN_TIMEOUT);
            return topics.orderTopicPartitions();
        }
    }
}
