package com.marketplace.gateway.outbox;

import com.marketplace.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

/** Creates the order event topics when they are missing (retention 7 days). Existing topics are left as they are. */
public final class OutboxTopics {

    private static final Logger log = LoggerFactory.getLogger(OutboxTopics.class);

    private OutboxTopics() {
    }

    /**
     * @throws IllegalStateException when the cluster does not answer within 30 s or refuses the creation
     */
    public static void ensureExist(Properties adminProps, int partitions, int replicationFactor) {
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.ORDER_EVENT_TOPICS.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, (short) replicationFactor)
                            .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topics.RETENTION_MS))))
                    .toList();
            if (!missing.isEmpty()) {
                create(admin, missing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics: " + e, e);
        }
    }

    private static void create(Admin admin, List<NewTopic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            log.info("Created topics {}", topics.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
