package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The log file is where the stack says it is, whatever {@code DATA_DIR} holds. */
class LogFilePropertyTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "other", "  other  ", "/tmp/stack-data"})
    void theLogFileIsTheOneTheStackNames(String dataDir) {
        Map<String, String> env = Map.of(LocalStackOptions.DATA_DIR, dataDir);

        assertThat(LogFileProperty.logFile(env))
                .isEqualTo(LocalStackOptions.parse(new String[0], env).logFile().toString())
                .doesNotStartWith("/local-stack.log");
    }

    @Test
    void aDataDirNoFileCanBeWrittenInGivesALogFileThatCanBeOpened(@TempDir Path dir) throws IOException {
        // a regular file where the directory should be: Logback would print a stack trace for the log
        // file it cannot open, before the stack's own line about the directory
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");

        Path logFile = Path.of(LogFileProperty.logFile(Map.of(LocalStackOptions.DATA_DIR, file.toString())));

        assertThat(logFile.startsWith(file)).as("%s under %s", logFile, file).isFalse();
        assertThat(LogFileProperty.canHoldFiles(logFile.getParent())).isTrue();
    }

    @Test
    void settingsTheStackRefusesGiveALogFileOutsideTheDataDir(@TempDir Path dir) {
        Path dataDir = dir.resolve("data");

        Path logFile = Path.of(LogFileProperty.logFile(Map.of(LocalStackOptions.DATA_DIR, dataDir.toString(),
                "KAFKA_PORT", "70000")));

        assertThat(logFile.startsWith(dataDir)).as("%s under %s", logFile, dataDir).isFalse();
        assertThat(logFile.startsWith(Path.of("data"))).isFalse();
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void aDataDirStillToBeCreatedHoldsTheLogFile(@TempDir Path dir) {
        Path dataDir = dir.resolve("new").resolve("data");

        assertThat(LogFileProperty.logFile(Map.of(LocalStackOptions.DATA_DIR, dataDir.toString())))
                .isEqualTo(dataDir.resolve("local-stack.log").toString());
    }

    @Test
    void withoutDataDirItIsUnderData() {
        assertThat(LogFileProperty.logFile(Map.of())).isEqualTo("data/local-stack.log");
    }
}
