package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path parent;

    @Test
    void aHeldDirectoryIsRefusedUntilItsHolderReleasesIt() {
        Path dataDir = parent.resolve("data");
        DataDirLock held = DataDirLock.acquire(dataDir);
        assertThat(dataDir.resolve(DataDirLock.FILE_NAME)).exists();

        assertThatThrownBy(() -> DataDirLock.acquire(dataDir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another local stack is running on the data directory " + dataDir.toAbsolutePath());

        held.close();
        DataDirLock.acquire(dataDir).close();
    }

    @Test
    void aDataDirectoryThatCannotBeMadeIsRefusedWithTheReasonInWords() throws Exception {
        Path file = Files.writeString(parent.resolve("data"), "not a directory");

        assertThatThrownBy(() -> DataDirLock.acquire(file))
                .hasMessage("cannot create the data directory " + file.toAbsolutePath()
                        + ": a file that is not a directory is in the way (" + file + ")");
    }
}
