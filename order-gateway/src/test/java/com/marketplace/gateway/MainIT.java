package com.marketplace.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's {@code main} as a process of its own: a configuration it cannot run with ends it with
 * exit code 2 and one line naming the variable, whether the rule is checked when the environment is
 * read or only when the start meets it (docs/operations.md, "Environment variables").
 */
class MainIT {

    @Test
    void aValueOfTheWrongTypeEndsTheStartWithExitCode2() throws Exception {
        Result result = runMain(Map.of("HTTP_PORT", "http"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("invalid configuration: HTTP_PORT");
    }

    @Test
    void aDatabaseUrlNoDriverTakesEndsTheStartWithExitCode2WithoutItsPassword() throws Exception {
        Result result = runMain(Map.of("DB_URL", "jdbc:postgresql://app:s3cret@db/orders", "HTTP_PORT", "0"));

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("invalid configuration: DB_URL").doesNotContain("s3cret");
    }

    private record Result(int exitCode, String stderr) {
    }

    private static Result runMain(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("KAFKA_")
                || name.startsWith("HTTP_") || name.startsWith("OUTBOX_") || name.equals("ADMIN_TOKEN"));
        builder.environment().putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Path stderr = Files.createTempFile("gateway-main", ".err");
        try {
            builder.redirectError(stderr.toFile());
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the gateway did not end within 60 s");
            }
            return new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stderr);
        }
    }
}
