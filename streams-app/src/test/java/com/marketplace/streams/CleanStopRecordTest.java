package com.marketplace.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanStopRecordTest {

    @TempDir
    Path stateDir;

    @Test
    void aWrittenRecordIsConsumedOnce() {
        CleanStopRecord record = new CleanStopRecord(stateDir, "app");

        assertThat(record.consume()).as("nothing recorded yet").isFalse();
        record.write();
        assertThat(stateDir.resolve("app.clean-stop")).exists();
        assertThat(record.consume()).isTrue();
        assertThat(record.consume()).as("a second start after the same stop").isFalse();
    }

    @Test
    void onlyTaskDirectoriesCountAsLocalState() throws IOException {
        CleanStopRecord record = new CleanStopRecord(stateDir, "app");
        assertThat(record.hasTaskState()).as("first start: no directory").isFalse();

        Path app = Files.createDirectories(stateDir.resolve("app"));
        Files.writeString(app.resolve(".lock"), "");
        Files.writeString(app.resolve("kafka-streams-process-metadata"), "");
        Files.createDirectories(app.resolve("not-a-task"));
        assertThat(record.hasTaskState()).isFalse();

        Files.createDirectories(app.resolve("0_2"));
        assertThat(record.hasTaskState()).isTrue();
    }

    @Test
    void recordsOfOtherApplicationsAreTheirOwn() {
        new CleanStopRecord(stateDir, "other").write();

        assertThat(new CleanStopRecord(stateDir, "app").consume()).isFalse();
        assertThat(new CleanStopRecord(stateDir, "other").consume()).isTrue();
    }
}
