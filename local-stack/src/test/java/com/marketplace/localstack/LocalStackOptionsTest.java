package com.marketplace.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalStackOptionsTest {

    private static final String[] NO_ARGS = new String[0];

    @Test
    void emptyEnvironmentGivesTheZeroSetupLayout() {
        assertThat(LocalStackOptions.parse(NO_ARGS, Map.of()))
                .isEqualTo(new LocalStackOptions(Path.of("data"), 9092, 7070, 7071, 0, "127.0.0.1"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"127.0.0.1, 127.0.0.1", "0.0.0.0, 127.0.0.1", "::, [::1]", "0:0:0:0:0:0:0:0, [::1]", "::0, [::1]",
            "::1, [::1]", "192.0.2.2, 192.0.2.2", "devbox, devbox"})
    void theServicesAreReachedAtTheAddressTheyListenOnOrLoopbackForAWildcard(String host, String reached) {
        assertThat(new LocalStackOptions(Path.of("data"), 0, 0, 0, 0, host).reachableHost()).isEqualTo(reached);
    }

    @Test
    void theServicesMayListenElsewhereThanOnThisMachineOnly() {
        assertThat(LocalStackOptions.parse(NO_ARGS, Map.of("HTTP_HOST", "0.0.0.0")).httpHost()).isEqualTo("0.0.0.0");
    }

    @Test
    void blankValuesMeanTheDefaults() {
        LocalStackOptions options = LocalStackOptions.parse(NO_ARGS,
                Map.of("DATA_DIR", " ", "KAFKA_PORT", "", "GATEWAY_PORT", " ", "STREAMS_PORT", "\t", "HTTP_HOST", ""));

        assertThat(options).isEqualTo(LocalStackOptions.parse(NO_ARGS, Map.of()));
    }

    @Test
    void portZeroMeansAnyFreePortAndDemoTakesACount() {
        LocalStackOptions options = LocalStackOptions.parse(new String[] {"--demo", "25"},
                Map.of("DATA_DIR", "/tmp/stack", "KAFKA_PORT", "0", "GATEWAY_PORT", "0", "STREAMS_PORT", "0"));

        assertThat(options).isEqualTo(new LocalStackOptions(Path.of("/tmp/stack"), 0, 0, 0, 25));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "LOG_LEVEL|verbose",
            "KAFKA_PORT|abc",
            "KAFKA_PORT|70000",
            "GATEWAY_PORT|-1",
            "STREAMS_PORT|65536",
            "HTTP_HOST|localhost:7070",
            "DATA_DIR|/tmp/a;b",
            "DATA_DIR|/tmp/a,b",
            "HTTP_HOST|my_host",
    })
    void badVariableIsRejectedWithOneLineNamingIt(String variable, String value) {
        assertThatThrownBy(() -> LocalStackOptions.parse(NO_ARGS, Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + " ")
                .hasMessageEndingWith(", was '" + value + "'")
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable));
    }

    @ParameterizedTest(name = "{0}={1} with {2}")
    @CsvSource({"GATEWAY_PORT, 9092, KAFKA_PORT", "STREAMS_PORT, 9092, KAFKA_PORT", "STREAMS_PORT, 7070, GATEWAY_PORT"})
    void twoComponentsCannotListenOnOnePort(String variable, String port, String other) {
        assertThatThrownBy(() -> LocalStackOptions.parse(NO_ARGS, Map.of(variable, port)))
                .isInstanceOf(ConfigException.class)
                .hasMessage(variable + " must differ from " + other + ", was '" + port + "'");
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> LocalStackOptions.parse(new String[] {"--demo", "many"}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--demo must be an integer, was 'many'");
        assertThatThrownBy(() -> LocalStackOptions.parse(new String[] {"--demo", "-1"}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--demo must be an integer from 0 to 1000000, was '-1'");
        assertThatThrownBy(() -> LocalStackOptions.parse(new String[] {"--verbose"}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("usage: [--demo N]").hasMessageEndingWith("'--verbose'");
    }
}
