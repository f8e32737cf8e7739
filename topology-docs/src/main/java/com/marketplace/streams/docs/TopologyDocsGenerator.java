package com.marketplace.streams.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code topology.txt} and {@code topology.md} into the directory given as the first
 * argument (default: the working directory). Run with
 * {@code mvn -B -q -pl topology-docs -am process-classes -Dregenerate-topology-docs}.
 */
public final class TopologyDocsGenerator {

    private TopologyDocsGenerator() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        write(dir, TopologyDocs.ofDefaultTopology());
        System.out.println("wrote " + dir.resolve(TopologyDocs.TEXT_FILE) + " and " + dir.resolve(TopologyDocs.MERMAID_FILE));
    }

    /** Writes both files of {@code docs} into {@code dir}. */
    public static void write(Path dir, TopologyDocs docs) throws IOException {
        Files.writeString(dir.resolve(TopologyDocs.TEXT_FILE), docs.text(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(TopologyDocs.MERMAID_FILE), docs.mermaid(), StandardCharsets.UTF_8);
    }
}
