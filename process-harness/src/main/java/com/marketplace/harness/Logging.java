package com.marketplace.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Logback configurations for the harness's child processes. */
final class Logging {

    private Logging() {
    }

    /** Writes a Logback configuration into {@code dir} that sends INFO and above to {@code logFile}. */
    static Path fileConfig(Path dir, Path logFile) throws IOException {
        Path config = dir.resolve("logback.xml");
        Files.writeString(config, """
                <configuration>
                  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{36} - %%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="kafka" level="INFO"/>
                  <logger name="org.apache.kafka" level="INFO"/>
                  <root level="INFO"><appender-ref ref="FILE"/></root>
                </configuration>
                """.formatted(logFile.toAbsolutePath()));
        return config;
    }
}
