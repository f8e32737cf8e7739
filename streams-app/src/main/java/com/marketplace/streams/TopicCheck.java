package com.marketplace.streams;

import com.marketplace.events.Topics;
import com.marketplace.kafka.topics.TopicProvisioner;
import com.marketplace.streams.config.StreamsAppConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The topics a start needs: the input topics (so the app can start before the gateway) and the
 * output topics, created when missing, the order topics checked for co-partitioning. It runs on a
 * thread of its own from {@link #begin} on, because it mostly waits for the broker while the rest
 * of a start mostly loads classes: begun before the app is built ({@link Main}), it no longer adds
 * its seconds to a restart on a busy machine. {@link #await} is called before Kafka Streams starts.
 */
final class TopicCheck {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private final CompletableFuture<Void> done;

    private TopicCheck(CompletableFuture<Void> done) {
        this.done = done;
    }

    /** Starts the check for {@code config}'s broker, partitions and replication factor. */
    static TopicCheck begin(StreamsAppConfig config) {
        return new TopicCheck(CompletableFuture.runAsync(() -> createTopics(config), task -> {
            Thread thread = new Thread(task, "streams-topic-check");
            thread.setDaemon(true);
            thread.start();
        }));
    }

    /**
     * Waits for the check.
     *
     * @throws com.marketplace.kafka.topics.CoPartitioningException when the two order topics have
     *                                                              different partition counts
     * @throws IllegalStateException when the broker could not be reached to prepare the topics
     */
    void await() {
        try {
            done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void createTopics(StreamsAppConfig config) {
        try (Admin admin = Admin.create(TopicProvisioner.adminProperties(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()), ADMIN_TIMEOUT))) {
            TopicProvisioner.withPipelineRetention(admin, config.topicPartitions(), config.topicReplicationFactor())
                    .provision(Topics.OUTPUT_TOPICS, ADMIN_TIMEOUT);
        }
    }
}
