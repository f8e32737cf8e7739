package com.marketplace.streams.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void diagramShowsEveryTopicAndStoreOfTheText() {
        assertThat(docs.mermaid()).contains("marketplace.order.created", "marketplace.dlq", "dedupe-store",
                "seller-stats-store", "orders-per-minute-store");
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }
}
