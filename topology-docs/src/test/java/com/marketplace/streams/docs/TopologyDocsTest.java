package com.marketplace.streams.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.OrderTopology;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * Fails when the checked-in topology docs no longer match the code. Regenerate with
 * {@code mvn -B -q -pl topology-docs -am process-classes -Dregenerate-topology-docs}.
 */
class TopologyDocsTest {

    private static final String HOW_TO_FIX = "topology docs are stale; regenerate them with "
            + "'mvn -B -q -pl topology-docs -am process-classes -Dregenerate-topology-docs'";

    private final TopologyDocs docs = TopologyDocs.ofDefaultTopology();

    @Test
    void topologyTextMatchesTheCode() throws IOException {
        assertThat(read(TopologyDocs.TEXT_FILE)).as(HOW_TO_FIX).isEqualTo(docs.text());
    }

    @Test
    void mermaidDiagramMatchesTheCode() throws IOException {
        assertThat(read(TopologyDocs.MERMAID_FILE)).as(HOW_TO_FIX).isEqualTo(docs.mermaid());
    }

    @Test
    void diagramShowsEveryNodeTopicAndStoreOfTheTopology() {
        TopologyDescription description = OrderTopology.build(StreamsAppConfig.defaults()).describe();
        List<TopologyDescription.Node> nodes = description.subtopologies().stream()
                .flatMap(sub -> sub.nodes().stream()).toList();
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Node node : nodes) {
            names.add(node.name());
            if (node instanceof TopologyDescription.Source source) {
                // the renderer draws named topics only: a pattern source would be left out
                assertThat(source.topicSet()).as("source %s reads named topics", node.name()).isNotNull();
                names.addAll(source.topicSet());
            } else if (node instanceof TopologyDescription.Sink sink) {
                assertThat(sink.topic()).as("sink %s writes one named topic", node.name()).isNotNull();
                names.add(sink.topic());
            } else if (node instanceof TopologyDescription.Processor processor) {
                names.addAll(processor.stores());
            }
        }

        assertThat(names).contains("marketplace.order.created", "marketplace.dlq", "dedupe-store",
                "seller-stats-store", "orders-per-minute-store");
        assertThat(names).allSatisfy(name -> assertThat(docs.mermaid()).contains("\"" + name + "\""));
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }
}
