package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
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
    void withoutDataDirItIsUnderData() {
        assertThat(LogFileProperty.logFile(Map.of())).isEqualTo("data/local-stack.log");
    }
}
