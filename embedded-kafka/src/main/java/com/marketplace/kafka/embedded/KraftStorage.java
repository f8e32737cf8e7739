package com.marketplace.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Formats a KRaft log directory the way {@code kafka-storage format} does for a node that is both
 * broker and controller with a static voter set ({@code controller.quorum.voters}). Used for the
 * in-process broker and for broker processes started from the same artifacts.
 */
public final class KraftStorage {

    /** The file that marks a formatted log directory. */
    public static final String META_PROPERTIES = "meta.properties";

    private KraftStorage() {
    }

    /** Whether {@code logDir} already holds a formatted node. */
    public static boolean isFormatted(Path logDir) {
        return Files.exists(logDir.resolve(META_PROPERTIES));
    }

    /**
     * Formats {@code logDir} for node {@code nodeId} of cluster {@code clusterId}, creating the
     * directory first.
     *
     * @return what the formatter printed
     * @throws EmbeddedKafkaException if formatting fails
     */
    public static String format(Path logDir, int nodeId, String clusterId, String controllerListenerName) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            Files.createDirectories(logDir);
            String dir = logDir.toAbsolutePath().toString();
            new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setControllerListenerName(controllerListenerName)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .addDirectory(dir)
                    .setMetadataLogDirectory(dir)
                    // the node is a controller, so like `kafka-storage format` it writes the bootstrap snapshot
                    .setWriteBootstrapSnapshot(true)
                    .run();
        } catch (Exception e) {
            throw new EmbeddedKafkaException("Could not format Kafka log dir " + logDir, e);
        }
        return output.toString(StandardCharsets.UTF_8);
    }
}
