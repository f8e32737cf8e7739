package com.marketplace.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A file beside an instance's local state naming the {@code DEDUPE_RETENTION} that state was laid
 * out for. Kafka Streams cuts {@code dedupe-store} into segments of half the retention (at least a
 * minute) and names each segment's directory by its start; opened with another retention, the store
 * derives other names from the directories it finds, opens empty segments under them and never
 * reads or deletes the old ones. Kafka Streams 4.4 then finds no changelog offset in the store and
 * restores it whole (under exactly_once_v2 it wipes the task first), so no eventId is forgotten, but
 * under at_least_once the old segments' directories stay on disk for good, and the store's memory
 * would rest on where Kafka Streams keeps its offsets. A start with another retention therefore
 * discards the local state itself, which is then rebuilt from the changelogs into segments of the
 * new length ({@link StreamsApp}).
 *
 * <p>A second file names the Kafka cluster whose changelogs the state was built from. Kafka Streams
 * keeps, beside each store, the changelog offset the store holds up to, and at a start restores what
 * the changelog has beyond it; it does not know which cluster the offset was read from. A state
 * directory used against another cluster (a broker cluster rebuilt or moved to, a local stack's
 * {@code data} directory shared with a stand-alone instance) would have that cluster's records
 * applied on top of the other's statistics wherever its changelogs are longer. A start against
 * another cluster therefore discards the local state too.
 */
final class StateLayout {

    private static final String KEY = "DEDUPE_RETENTION=";

    private final Path file;
    private final Path clusterFile;

    /** The layout files of application {@code applicationId} with its local state under {@code stateDir}. */
    StateLayout(Path stateDir, String applicationId) {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(applicationId, "applicationId");
        this.file = stateDir.resolve(applicationId + ".layout");
        this.clusterFile = stateDir.resolve(applicationId + ".cluster");
    }

    /**
     * Whether the local state was laid out for another retention than {@code dedupeRetention}. A
     * state without the file (a first start, or one kept by a version that did not write it) is
     * taken to be laid out for the retention given: nothing says otherwise, and discarding every
     * instance's state on an upgrade would cost each a whole restore.
     */
    boolean isForAnotherRetention(Duration dedupeRetention) {
        return Files.exists(file) && !read(file).equals(KEY + dedupeRetention);
    }

    /**
     * Whether the local state was built from another Kafka cluster than the one of id {@code clusterId}
     * (null: a cluster that reports none, whose state is neither checked nor recorded).
     * A state without the file (a first start, or one kept by a version that did not write it) is taken
     * to be this cluster's, as {@link #isForAnotherRetention} takes it to be laid out for the retention.
     */
    boolean isFromAnotherCluster(String clusterId) {
        return clusterId != null && Files.exists(clusterFile) && !read(clusterFile).equals(clusterId);
    }

    /**
     * Records that the local state is laid out for {@code dedupeRetention} and built from the cluster
     * of id {@code clusterId} from now on ({@link LocalFiles#replace}).
     */
    void write(Duration dedupeRetention, String clusterId) {
        LocalFiles.replace(file, KEY + dedupeRetention + System.lineSeparator());
        if (clusterId != null) {
            LocalFiles.replace(clusterFile, clusterId + System.lineSeparator());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
