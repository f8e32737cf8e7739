package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.config.ConfigException;
import com.marketplace.gateway.config.GatewayConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stack's and the services' settings are read before anything starts. */
class LocalStackSettingsTest {

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "DEDUPE_RETENTION|7 days|DEDUPE_RETENTION",
            "OUTBOX_BATCH_SIZE|0|OUTBOX_BATCH_SIZE",
            "HTTP_HOST|203.0.113.7|HTTP_HOST must be an address of this machine",
    })
    void aBadSettingFailsTheStartBeforeTheBrokerStarts(String variable, String value, String message) {
        Map<String, String> env = Map.of(LocalStackOptions.DATA_DIR, dataDir.toString(), variable, value);
        LocalStack stack = new LocalStack(LocalStackOptions.parse(new String[0], env), env);
        try {
            assertThatThrownBy(stack::start).isInstanceOf(ConfigException.class).hasMessageContaining(message);
            assertThat(dataDir.resolve("kafka")).as("no broker was started").doesNotExist();
        } finally {
            stack.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"KAFKA_PORT", "GATEWAY_PORT", "STREAMS_PORT"})
    void aTakenPortFailsTheStartBeforeTheBrokerStartsNamingItsVariable(String variable) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            Map<String, String> env = new HashMap<>(Map.of(LocalStackOptions.DATA_DIR, dataDir.toString(),
                    LocalStackOptions.KAFKA_PORT, "0", LocalStackOptions.GATEWAY_PORT, "0",
                    LocalStackOptions.STREAMS_PORT, "0"));
            env.put(variable, port);
            LocalStack stack = new LocalStack(LocalStackOptions.parse(new String[0], env), env);
            try {
                assertThatThrownBy(stack::start).isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith(variable + " " + port + " is in use on 127.0.0.1")
                        .hasMessageContaining("set " + variable + " to a free port");
                assertThat(dataDir.resolve("kafka")).as("no broker was started").doesNotExist();
            } finally {
                stack.close();
            }
        }
    }

    @Test
    void aPortRefusedForAnotherReasonIsNotCalledTaken() {
        // as Linux refuses a port below 1024 to a process without the privilege (this one may have it)
        IllegalStateException refused = LocalStack.cannotListen(LocalStackOptions.GATEWAY_PORT, "127.0.0.1", 80,
                new BindException("Permission denied"));

        assertThat(refused).hasMessage("GATEWAY_PORT 80 cannot be listened on at 127.0.0.1 (Permission denied):"
                + " set GATEWAY_PORT to another port (0 for any; below 1024 needs the privilege)");
        assertThat(LocalStack.cannotListen(LocalStackOptions.GATEWAY_PORT, "127.0.0.1", 7070,
                new BindException("Address already in use")).getMessage())
                .startsWith("GATEWAY_PORT 7070 is in use on 127.0.0.1");
    }

    @Test
    void theServicesStopWithoutADelayWhateverTheEnvironmentSays() {
        Map<String, String> env = Map.of(LocalStackOptions.DATA_DIR, dataDir.toString(), "SHUTDOWN_DELAY", "PT30S");
        LocalStack stack = new LocalStack(LocalStackOptions.parse(new String[0], env), env);
        try {
            assertThat(stack.streamsConfig("127.0.0.1:9092", 7071).shutdownDelay()).isZero();
            assertThat(GatewayConfig.fromEnv(stack.gatewayEnv("127.0.0.1:9092")).shutdownDelay()).isZero();
        } finally {
            stack.close();
        }
    }
}
