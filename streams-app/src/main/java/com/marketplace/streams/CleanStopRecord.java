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
 * A file beside an instance's local state that says its last run closed Kafka Streams cleanly, so
 * the next start can tell a restart after a clean stop from one after a crash. Written after a
 * clean close, removed when the next run starts: a run that dies leaves none behind.
 */
final class CleanStopRecord {

    /** Task directories of Kafka Streams' state directory: {@code <subtopology>_<partition>}. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");

    private final Path file;
    private final Path applicationState;

    /** The record of application {@code applicationId} with its local state under {@code stateDir}. */
    CleanStopRecord(Path stateDir, String applicationId) {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(applicationId, "applicationId");
        this.file = stateDir.resolve(applicationId + ".clean-stop");
        this.applicationState = stateDir.resolve(applicationId);
    }

    /**
     * Whether the last run ended with a clean close. Removes the record, so that a crash of the run
     * now starting is not taken for a clean stop.
     */
    boolean consume() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    /** Records that this run closed cleanly. */
    void write() {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Instant.now() + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
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
