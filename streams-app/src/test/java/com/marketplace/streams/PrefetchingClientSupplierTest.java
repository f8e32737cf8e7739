package com.marketplace.streams;

import static com.marketplace.streams.topology.Events.T0;
import static com.marketplace.streams.topology.Events.changed;
import static com.marketplace.streams.topology.Events.created;
import static com.marketplace.streams.topology.Events.item;
import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.OrderTopology;
import com.marketplace.streams.topology.TopologyFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrefetchingClientSupplierTest {

    @Test
    void itAsksForTheTopicsTheTopologyWritesAndNoOther() {
        // Given the topics the supplier's producers ask for once the instance runs
        StreamsAppConfig config = StreamsAppConfig.defaults();
        Set<String> asked = PrefetchingClientSupplier.writtenTopics(OrderTopology.build(config).describe(),
                config.applicationId());

        // When the topology, driven as the app configures it, is given a complete order, an order of
        // which only a status change arrived, and a record that cannot be read
        try (TopologyFixture fixture = TopologyFixture.configuredBy(Map.of())) {
            EventEnvelope complete = created(1, 10, T0, List.of(item(7, 2, "10.00")));
            fixture.send(complete);
            fixture.send(changed(complete, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(1)));
            EventEnvelope late = created(2, 11, T0, List.of(item(7, 1, "5.00")));
            fixture.send(changed(late, OrderStatus.PENDING, OrderStatus.PAID, T0.plusSeconds(2)));
            fixture.created.pipeInput("3", "not an event".getBytes(StandardCharsets.UTF_8));

            // Then every topic it writes, each output and each store's changelog, is one asked for,
            // and every topic asked for is one it writes: none that may not exist
            assertThat(fixture.driver.producedTopicNames()).containsExactlyInAnyOrderElementsOf(asked);
            assertThat(asked).contains(Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS, Topics.DLQ,
                    config.applicationId() + "-" + StoreNames.DEDUPE + "-changelog");
        }
    }
}
