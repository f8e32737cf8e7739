package com.marketplace.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JarServiceTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(JarService.EXTRA_OPTIONS_PROPERTY + "streams");
    }

    @Test
    void optionsOfTheProcessesNameFollowTheDefaults() {
        System.setProperty(JarService.EXTRA_OPTIONS_PROPERTY + "streams", " -XX:SharedArchiveFile=/a.jsa  -Xshare:on ");

        assertThat(JarService.jvmOptions("streams")).containsExactly("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:SharedArchiveFile=/a.jsa", "-Xshare:on");
        assertThat(JarService.jvmOptions("streams-1")).as("the name must match exactly")
                .isEqualTo(JarService.JVM_OPTIONS);
        assertThat(JarService.jvmOptions("gateway")).isEqualTo(JarService.JVM_OPTIONS);
    }
}
