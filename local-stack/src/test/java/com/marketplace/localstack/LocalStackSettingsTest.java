package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services' settings are read before anything starts. */
class LocalStackSettingsTest {

    @TempDir
    Path dataDir;

    @Test
    void aBadStreamsSettingFailsTheStartBeforeTheBrokerStarts() {
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0),
                Map.of("DEDUPE_RETENTION", "7 days"));
        try {
            assertThatThrownBy(stack::start)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("DEDUPE_RETENTION");
            assertThat(dataDir.resolve("kafka")).as("no broker was started").doesNotExist();
        } finally {
            stack.close();
        }
    }

    @Test
    void anHttpHostThatIsNotThisMachineFailsTheStartBeforeTheBrokerStarts() {
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0, "203.0.113.7"), Map.of());
        try {
            assertThatThrownBy(stack::start)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("HTTP_HOST must be an address of this machine");
            assertThat(dataDir.resolve("kafka")).as("no broker was started").doesNotExist();
        } finally {
            stack.close();
        }
    }

    @Test
    void aBadGatewaySettingFailsTheStartBeforeTheBrokerStarts() {
        LocalStack stack = new LocalStack(new LocalStackOptions(dataDir, 0, 0, 0, 0),
                Map.of("OUTBOX_BATCH_SIZE", "0"));
        try {
            assertThatThrownBy(stack::start)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("OUTBOX_BATCH_SIZE");
            assertThat(dataDir.resolve("kafka")).as("no broker was started").doesNotExist();
        } finally {
            stack.close();
        }
    }
}
