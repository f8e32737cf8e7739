package com.marketplace.kafka.topics;

import java.util.List;

/**
 * What {@link TopicProvisioner#provision} did and found.
 *
 * @param created              the names of the topics it created
 * @param orderTopicPartitions the partition count both order topics have
 */
public record ProvisionedTopics(List<String> created, int orderTopicPartitions) {

    public ProvisionedTopics {
        created = List.copyOf(created);
    }
}
