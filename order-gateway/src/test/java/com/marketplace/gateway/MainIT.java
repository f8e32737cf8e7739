package com.marketplace.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's {@code main} as a process of its own: a configuration it cannot run with ends it with
 * exit code 2 and one line naming the variable, whether the rule is checked when the environment is
 * read or only when the start meets it (docs/operations.md, "Environment variables").
 */
class MainIT {

    @TempDir
    Path dir;

    @Test
    void aValueOfTheWrongTypeEndsTheStartWithExitCode2() throws Exception {
        Result result = runMain(Map.of("HTTP_PORT", "http"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("invalid configuration: HTTP_PORT");
    }

    @Test
    void aDatabaseUrlNoDriverTakesEndsTheStartWithExitCode2WithoutItsPassword() throws Exception {
        Result result = runMain(Map.of("DB_URL", "jdbc:postgresql://app:s3cret@db/orders", "HTTP_PORT", "0"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("invalid configuration: DB_URL").doesNotContain("s3cret");
    }

    private record Result(int exitCode, String output) {
    }

    private Result runMain(Map<String, String> env) throws Exception {
        Path log = dir.resolve("gateway.log");
        try (ManagedProcess gateway = ManagedProcess.start("gateway",
                JavaCommand.mainClass(Main.class.getName(), List.of()), env, log)) {
            if (!gateway.awaitExit(Duration.ofSeconds(60))) {
                throw new AssertionError("the gateway did not end within 60 s");
            }
            return new Result(gateway.exitValue(), Files.readString(log));
        }
    }
}
