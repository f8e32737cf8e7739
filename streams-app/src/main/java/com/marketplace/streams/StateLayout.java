package com.marketplace.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
final class StateLayout {

    private static final String KEY = "DEDUPE_RETENTION=";

    private final Path file;

    /** The layout file of application {@code applicationId} with its local state under {@code stateDir}. */
    StateLayout(Path stateDir, String applicationId) {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(applicationId, "applicationId");
        this.file = stateDir.resolve(applicationId + ".layout");
    }

    /**
     * Whether the local state was laid out for another retention than {@code dedupeRetention}. A
     * state without the file (a first start, or one kept by a version that did not write it) is
     * taken to be laid out for the retention given: nothing says otherwise, and discarding every
     * instance's state on an upgrade would cost each a whole restore.
     */
    boolean isForAnotherRetention(Duration dedupeRetention) {
        if (!Files.exists(file)) {
            return false;
        }
        try {
            return !Files.readString(file).strip().equals(KEY + dedupeRetention);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Records that the local state is laid out for {@code dedupeRetention} from now on: written
     * beside the file and moved over it, so that a crash leaves the old content or the new, never a
     * part of it.
     */
    void write(Duration dedupeRetention) {
        String content = KEY + dedupeRetention + System.lineSeparator();
        try {
            if (Files.exists(file) && Files.readString(file).equals(content)) {
                return;
            }
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, content);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
