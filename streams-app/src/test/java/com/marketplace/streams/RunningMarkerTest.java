package com.marketplace.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningMarkerTest {

    @TempDir
    Path stateDir;

    @Test
    void theMarkerIsPresentFromWriteUntilDelete() {
        RunningMarker marker = new RunningMarker(stateDir, "app");

        assertThat(marker.present()).as("first start").isFalse();
        marker.write();
        assertThat(stateDir.resolve("app.running")).exists();
        assertThat(marker.present()).isTrue();
        marker.delete();
        assertThat(marker.present()).isFalse();
        marker.delete();
    }

    @Test
    void aWriteThatFailsOnAFullDiskLeavesNoMarker() throws IOException {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "a device whose writes fail as on a full disk");
        RunningMarker marker = new RunningMarker(stateDir, "app");
        // the file the marker is written to first, before it takes the marker's name, is on a full disk
        Files.createSymbolicLink(stateDir.resolve("app.running.next"), Path.of("/dev/full"));

        assertThatThrownBy(marker::write).isInstanceOf(UncheckedIOException.class);

        assertThat(marker.present()).as("a clean stop's state is not taken for a crashed run's").isFalse();
    }

    @Test
    void onlyTaskDirectoriesCountAsLocalState() throws IOException {
        RunningMarker marker = new RunningMarker(stateDir, "app");
        assertThat(marker.hasTaskState()).as("first start: no directory").isFalse();

        Path app = Files.createDirectories(stateDir.resolve("app"));
        Files.writeString(app.resolve(".lock"), "");
        Files.writeString(app.resolve("kafka-streams-process-metadata"), "");
        Files.createDirectories(app.resolve("not-a-task"));
        assertThat(marker.hasTaskState()).isFalse();

        Files.createDirectories(app.resolve("0_2"));
        assertThat(marker.hasTaskState()).isTrue();
    }

    @Test
    void markersOfOtherApplicationsAreTheirOwn() {
        new RunningMarker(stateDir, "other").write();

        assertThat(new RunningMarker(stateDir, "app").present()).isFalse();
        assertThat(new RunningMarker(stateDir, "other").present()).isTrue();
    }
}
