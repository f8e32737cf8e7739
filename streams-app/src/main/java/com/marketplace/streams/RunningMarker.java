package com.marketplace.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A file beside an instance's local state that exists while Kafka Streams may be changing that
 * state: written just before Kafka Streams starts, deleted once it has closed cleanly. Found at a
 * start, it means the last run did not stop cleanly ({@code kill -9}, an out-of-memory kill, a
 * power cut). A first start finds none, and so does the first start of a version that did not
 * write it.
 */
final class RunningMarker {

    /** Task directories of Kafka Streams' state directory: {@code <subtopology>_<partition>}. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");

    private final Path file;
    private final Path applicationState;

    /** The marker of application {@code applicationId} with its local state under {@code stateDir}. */
    RunningMarker(Path stateDir, String applicationId) {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(applicationId, "applicationId");
        this.file = stateDir.resolve(applicationId + ".running");
        this.applicationState = stateDir.resolve(applicationId);
    }

    /** Whether the last run left the marker behind: it did not stop cleanly. */
    boolean present() {
        return Files.exists(file);
    }

    /**
     * Marks the local state as in use by this run. A write that fails (a full disk) leaves no marker
     * behind ({@link LocalFiles#replace}): the state of a run that stopped cleanly is not taken for a
     * crashed one's at the next start.
     */
    void write() {
        LocalFiles.replace(file, Instant.now() + System.lineSeparator());
    }

    /** Records that this run has closed cleanly. */
    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** Whether there is local state of any task: nothing to discard on a first start. */
    boolean hasTaskState() {
        if (!Files.isDirectory(applicationState)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(applicationState)) {
            return entries.anyMatch(p -> Files.isDirectory(p) && TASK_DIRECTORY.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + applicationState, e);
        }
    }
}
