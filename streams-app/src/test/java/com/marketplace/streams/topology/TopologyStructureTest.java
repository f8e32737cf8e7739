package com.marketplace.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import com.marketplace.streams.config.StreamsAppConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Shape of the topology: naming and the co-location the dedupe and the statistics rely on. */
class TopologyStructureTest {

    private final TopologyDescription description = OrderTopology.build(StreamsAppConfig.defaults()).describe();

    @Test
    void dedupeReadsBothInputTopicsDirectlyWithoutRepartitioning() {
        TopologyDescription.Subtopology withDedupe = description.subtopologies().stream()
                .filter(sub -> sub.nodes().stream().anyMatch(node -> node.name().equals("dedupe")))
                .findFirst().orElseThrow();

        List<String> sourceTopics = new ArrayList<>();
        withDedupe.nodes().stream().filter(TopologyDescription.Source.class::isInstance)
                .forEach(node -> sourceTopics.addAll(((TopologyDescription.Source) node).topicSet()));

        assertThat(sourceTopics).containsExactlyInAnyOrderElementsOf(Topics.ORDER_EVENT_TOPICS);
    }

    @Test
    void everyStoreLivesInTheOrdersOwnTaskSoNothingIsRepartitioned() {
        assertThat(description.subtopologies()).hasSize(1);
        List<String> sinkTopics = new ArrayList<>();
        description.subtopologies().forEach(sub -> sub.nodes().stream()
                .filter(TopologyDescription.Sink.class::isInstance)
                .forEach(node -> sinkTopics.add(((TopologyDescription.Sink) node).topic())));
        assertThat(sinkTopics).containsExactlyInAnyOrder(Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS,
                Topics.DLQ);
    }

    @Test
    void theStepThatStopsOnAnyFailureIsTheOneThatWritesTheStatisticsStores() {
        TopologyDescription.Processor statistics = description.subtopologies().stream()
                .flatMap(sub -> sub.nodes().stream())
                .filter(node -> node.name().equals(OrderTopology.ORDER_STATISTICS))
                .map(TopologyDescription.Processor.class::cast)
                .findFirst().orElseThrow();

        assertThat(statistics.stores()).contains(StoreNames.ORDER_STATE, StoreNames.STATUS_COUNTS,
                StoreNames.BUYER_STATS, StoreNames.SELLER_STATS, StoreNames.ORDERS_PER_MINUTE,
                StoreNames.PARTIAL_ORDERS);
    }

    @Test
    void everyContractStoreExists() {
        List<String> stores = new ArrayList<>();
        description.subtopologies().forEach(sub -> sub.nodes().stream()
                .filter(TopologyDescription.Processor.class::isInstance)
                .forEach(node -> stores.addAll(((TopologyDescription.Processor) node).stores())));

        assertThat(stores).contains(StoreNames.DEDUPE, StoreNames.ORDER_STATE, StoreNames.STATUS_COUNTS,
                StoreNames.SELLER_STATS, StoreNames.BUYER_STATS, StoreNames.ORDERS_PER_MINUTE);
    }

    @Test
    void theAppConfigurationRefusesAnUnnamedInternalTopicOrStore() {
        Properties props = StreamsAppConfig.defaults().toStreamsProperties();
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .selectKey((key, value) -> value).groupByKey().count();

        assertThatThrownBy(builder::build).isInstanceOf(TopologyException.class);
    }

    @Test
    void noNodeHasAGeneratedName() {
        List<String> names = new ArrayList<>();
        description.subtopologies().forEach(sub -> sub.nodes().forEach(node -> names.add(node.name())));

        assertThat(names).noneMatch(name -> name.matches(".*-\\d{10}.*"));
        assertThat(description.toString()).doesNotContainPattern("(KSTREAM|KTABLE)-[A-Z-]+-\\d{10}");
    }
}
