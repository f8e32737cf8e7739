package com.marketplace.streams.topology;

import com.marketplace.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics that do not exist yet: the two input topics (so the app can
 * start before the gateway) and the four output topics, with the configured partitions and
 * replication and a retention of {@link Topics#RETENTION_MS}. Existing topics are left as they are.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, int partitions, short replicationFactor) {
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** The topics this app reads and writes. */
    public static List<String> pipelineTopics() {
        List<String> topics = new ArrayList<>(Topics.ORDER_EVENT_TOPICS);
        topics.addAll(Topics.OUTPUT_TOPICS);
        return topics;
    }

    /**
     * Creates the missing topics and waits for the broker to confirm.
     *
     * @return the names of the topics created
     * @throws IllegalStateException when the broker cannot be reached or refuses the creation
     */
    public List<String> createMissing(Duration timeout) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = pipelineTopics().stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(this::newTopic)
                    .toList();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                awaitCreated(entry.getKey(), entry.getValue(), timeout);
            }
            List<String> created = missing.stream().map(NewTopic::name).toList();
            log.info("topics created: {} (already present: {})", created, existing.stream()
                    .filter(pipelineTopics()::contains).sorted().toList());
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics: " + e.getMessage(), e);
        }
    }

    private NewTopic newTopic(String name) {
        return new NewTopic(name, partitions, replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topics.RETENTION_MS)));
    }

    private static void awaitCreated(String topic, org.apache.kafka.common.KafkaFuture<Void> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            log.debug("topic {} was created concurrently", topic);
        }
    }
}
