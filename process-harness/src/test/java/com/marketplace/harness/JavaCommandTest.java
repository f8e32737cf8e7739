package com.marketplace.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaCommandTest {

    @TempDir
    Path dir;

    @Test
    void aJarWithoutAnArchiveBesideItRunsWithTheGivenOptionsOnly() throws IOException {
        Path jar = Files.createFile(dir.resolve("streams-app.jar"));

        assertThat(JavaCommand.jar(jar, List.of("-Xmx384m"), "--demo"))
                .containsExactly(JavaCommand.java(), "-Xmx384m", "-jar", jar.toAbsolutePath().toString(), "--demo");
    }

    @Test
    void theArchiveBesideTheJarComesFirstSoThatAnArchiveOptionOfTheCallerWins() throws IOException {
        Path jar = Files.createFile(dir.resolve("streams-app.jar"));
        Path archive = Files.createFile(dir.resolve("streams-app.jsa"));
        Files.createFile(dir.resolve("order-gateway.jsa"));

        assertThat(JavaCommand.jar(jar, List.of("-Xshare:off")))
                .containsExactly(JavaCommand.java(), "-XX:SharedArchiveFile=" + archive.toAbsolutePath(), "-Xshare:off",
                        "-jar", jar.toAbsolutePath().toString());
    }

    @Test
    void anAheadOfTimeCacheOfTheCallerReplacesTheArchiveWhichTheJvmWouldRefuseBesideIt() throws IOException {
        Path jar = Files.createFile(dir.resolve("streams-app.jar"));
        Files.createFile(dir.resolve("streams-app.jsa"));

        assertThat(JavaCommand.jar(jar, List.of("-Xmx1g", "-XX:AOTCache=/caches/streams-app.aot")))
                .containsExactly(JavaCommand.java(), "-Xmx1g", "-XX:AOTCache=/caches/streams-app.aot",
                        "-jar", jar.toAbsolutePath().toString());
        assertThat(JavaCommand.jar(jar, List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=/caches/s.aotconf")))
                .noneMatch(option -> option.startsWith("-XX:SharedArchiveFile"));
    }
}
