package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The streams app refuses to start on order topics that are not co-partitioned (real broker). */
class TopicsAtStartIT {

    private EmbeddedKafkaBroker broker;
    private StreamsApp app;

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
    }

    @AfterEach
    void stopAll() {
        if (app != null) {
            app.stop();
        }
        broker.close();
    }

    @Test
    void streamsAppRefusesToStartWhenTheOrderTopicsAreNotCoPartitioned() {
        broker.createTopics(3, Topics.ORDER_CREATED);
        broker.createTopics(5, Topics.ORDER_STATUS_CHANGED);
        String applicationId = "topics-it-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.nextOnAllInterfaces();
        app = StreamsApp.create(StreamsAppConfig.defaults()
                .withKafka(broker.bootstrapServers(), Path.of("target", "it-state", applicationId))
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port));

        assertThatThrownBy(() -> app.start())
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageStartingWith("marketplace.order.created has 3 partitions but "
                        + "marketplace.order.status-changed has 5")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(app.streams().state()).as("Kafka Streams never started").isEqualTo(KafkaStreams.State.CREATED);
    }
}
