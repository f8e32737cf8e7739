package com.marketplace.streams.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.StoreNames;
import com.marketplace.events.Topics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Fails when the system diagram in {@code docs/architecture.md} or its PNG no longer matches
 * {@link SystemDiagram}. Regenerate both with
 * {@code mvn -B -q -pl topology-docs -am process-classes -Dregenerate-topology-docs}.
 */
class SystemDiagramTest {

    private static final Path REPOSITORY = Path.of("..");
    private static final String HOW_TO_FIX = "the system diagram is stale; regenerate it with "
            + "'mvn -B -q -pl topology-docs -am process-classes -Dregenerate-topology-docs'";

    @Test
    void architectureDocumentEmbedsTheCurrentMermaidDiagram() throws IOException {
        String markdown = Files.readString(REPOSITORY.resolve(SystemDiagramGenerator.ARCHITECTURE_FILE), StandardCharsets.UTF_8);
        assertThat(markdown).as(HOW_TO_FIX).contains(SystemDiagramGenerator.block());
    }

    @Test
    void pngWasDrawnFromTheCurrentDiagram() throws IOException {
        Path png = REPOSITORY.resolve(SystemDiagramGenerator.PNG_FILE);
        assertThat(SystemDiagramPng.storedHash(png)).as(HOW_TO_FIX).hasValue(SystemDiagramPng.sourceHash(REPOSITORY));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(SystemDiagram.WIDTH);
        assertThat(image.getHeight()).isEqualTo(SystemDiagram.HEIGHT);
    }

    @Test
    void diagramShowsEveryContractTopicAndTheStoresBehindTheQueries() {
        String mermaid = SystemDiagram.mermaid();
        Topics.ORDER_EVENT_TOPICS.forEach(topic -> assertThat(mermaid).contains(topic));
        Topics.OUTPUT_TOPICS.forEach(topic -> assertThat(mermaid).contains(topic));
        assertThat(mermaid).contains(StoreNames.DEDUPE, StoreNames.ORDER_STATE, StoreNames.STATUS_COUNTS);
    }

    @Test
    void everyEdgeJoinsNodesThatExist() {
        SystemDiagram.EDGES.forEach(edge -> {
            assertThat(SystemDiagram.node(edge.from())).isNotNull();
            assertThat(SystemDiagram.node(edge.to())).isNotNull();
            assertThat(edge.waypoints().length % 2).as("waypoints come in x, y pairs").isZero();
        });
    }
}
