package com.marketplace.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigRulesTest {

    private static final String VAR = "SOME_VARIABLE";

    @Test
    void rangeIncludesBothEnds() {
        assertThat(ConfigRules.requireRange(VAR, 1, 1, 10)).isEqualTo(1);
        assertThat(ConfigRules.requireRange(VAR, 10, 1, 10)).isEqualTo(10);
        assertRejected(() -> ConfigRules.requireRange(VAR, 0, 1, 10), "must be an integer from 1 to 10", "0");
        assertRejected(() -> ConfigRules.requireRange(VAR, 11, 1, 10), "must be an integer from 1 to 10", "11");
    }

    @Test
    void portIsFrom1To65535() {
        assertThat(ConfigRules.requirePort(VAR, 1)).isEqualTo(1);
        assertThat(ConfigRules.requirePort(VAR, 65_535)).isEqualTo(65_535);
        assertRejected(() -> ConfigRules.requirePort(VAR, 0), "must be a port from 1 to 65535", "0");
        assertRejected(() -> ConfigRules.requirePort(VAR, 65_536), "must be a port from 1 to 65535", "65536");
    }

    @Test
    void portOrAnyAlsoTakes0ForAnyFreePort() {
        assertThat(ConfigRules.requirePortOrAny(VAR, 0)).isZero();
        assertRejected(() -> ConfigRules.requirePortOrAny(VAR, -1), "must be a port from 0 to 65535 (0: any free port)", "-1");
        assertRejected(() -> ConfigRules.requirePortOrAny(VAR, 70_000), "must be a port from 0 to 65535", "70000");
    }

    @Test
    void positiveDurationExcludesZeroAndNegative() {
        assertThat(ConfigRules.requirePositive(VAR, Duration.ofNanos(1))).isEqualTo(Duration.ofNanos(1));
        assertRejected(() -> ConfigRules.requirePositive(VAR, Duration.ZERO), "must be a positive ISO-8601 duration", "PT0S");
        assertRejected(() -> ConfigRules.requirePositive(VAR, Duration.ofSeconds(-1)), "must be a positive", "PT-1S");
    }

    @Test
    void aLogLevelIsOneOfLogbacksInAnyCase() {
        for (String level : List.of("INFO", "debug", "Warn", "trace", "ERROR", "off", "ALL")) {
            ConfigRules.requireLogLevel(VAR, Optional.of(level));
        }
        ConfigRules.requireLogLevel(VAR, Optional.empty());
        // Logback would take these for DEBUG
        assertRejected(() -> ConfigRules.requireLogLevel(VAR, Optional.of("INFOO")),
                "must be one of OFF, ERROR, WARN, INFO,", "INFOO");
        assertRejected(() -> ConfigRules.requireLogLevel(VAR, Optional.of("WARNING")), "must be one of", "WARNING");
        assertRejected(() -> ConfigRules.requireLogLevel(VAR, Optional.of("3")), "must be one of", "3");
    }

    @Test
    void durationBetweenIncludesBothEnds() {
        Duration min = Duration.ofSeconds(1);
        Duration max = Duration.ofHours(1);
        assertThat(ConfigRules.requireBetween(VAR, min, min, max)).isEqualTo(min);
        assertThat(ConfigRules.requireBetween(VAR, max, min, max)).isEqualTo(max);
        assertRejected(() -> ConfigRules.requireBetween(VAR, Duration.ofMillis(500), min, max),
                "must be an ISO-8601 duration from PT1S to PT1H", "PT0.5S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void textMustNotBeBlank(String blank) {
        assertThatThrownBy(() -> ConfigRules.requireText(VAR, blank))
                .isInstanceOf(ConfigException.class).hasMessage(VAR + " must not be empty");
    }

    @Test
    void oneOfIsExact() {
        assertThat(ConfigRules.requireOneOf(VAR, "a", List.of("a", "b"))).isEqualTo("a");
        assertRejected(() -> ConfigRules.requireOneOf(VAR, "A", List.of("a", "b")), "must be one of a, b", "A");
    }

    @Test
    void matchesTheWholeValue() {
        Pattern digits = Pattern.compile("[0-9]+");
        assertThat(ConfigRules.requireMatches(VAR, "123", digits, "must be digits")).isEqualTo("123");
        assertRejected(() -> ConfigRules.requireMatches(VAR, "12a", digits, "must be digits"), "must be digits", "12a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:9092", "kafka-1.example.com:1", "my_kafka:65535", "10.0.0.1:9092", "[::1]:9092"})
    void hostPortAcceptsNamesAddressesAndBracketedIpv6(String value) {
        assertThat(ConfigRules.requireHostPort(VAR, value)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":9092", "localhost:0", "localhost:99999", "a b:1", "h:1,h:2"})
    void hostPortRejectsAMissingOrOutOfRangePort(String value) {
        assertRejected(() -> ConfigRules.requireHostPort(VAR, value), "must be host:port", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:7071", "streams-1.svc.cluster.local:7071", "10.0.0.5:7071", "[::1]:7071",
            "[fe80::1]:7071", "127.0.0.1:1", "1host:7071"})
    void connectableHostPortAcceptsWhatAnHttpUriCanName(String value) {
        assertThat(ConfigRules.requireConnectableHostPort(VAR, value)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"streams_1:7071", "-x:7071", "x-:7071", "a..b:7071", "0.0.0.0:7071", "[::]:7071",
            "[0:0:0:0:0:0:0:0]:7071", "localhost:0", "localhost"})
    void connectableHostPortRejectsNamesNoUriHoldsAndWildcardAddresses(String value) {
        assertRejected(() -> ConfigRules.requireConnectableHostPort(VAR, value), "must be host:port", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "localhost", "gateway-1.example.com"})
    void hostAcceptsNamesAndAddresses(String value) {
        assertThat(ConfigRules.requireHost(VAR, value)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:7070", "localhost:7070", "[::1]", "http://localhost", "a b", "host/"})
    void hostRejectsAPortAUrlAndSpaces(String value) {
        assertRejected(() -> ConfigRules.requireHost(VAR, value), "must be a host name or an IP address", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "::1", "::", "localhost"})
    void anAddressOfThisMachineIsAWildcardALoopbackOrAnInterfacesAddress(String value) {
        assertThat(ConfigRules.requireAddressOfThisMachine(VAR, value)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"203.0.113.7", "2001:db8::7", "127.0.0.1:7070"})
    void anAddressOfAnotherMachineOrNoneIsRejected(String value) {
        assertThatThrownBy(() -> ConfigRules.requireAddressOfThisMachine(VAR, value))
                .isInstanceOf(ConfigException.class).hasMessageContaining(VAR);
    }

    @Test
    void hostPortListAllowsSpacesAroundCommasButNoEmptyEntry() {
        assertThat(ConfigRules.requireHostPorts(VAR, "k1:9092, k2:9093")).isEqualTo("k1:9092, k2:9093");
        for (String bad : new String[] {"a:1,,b:2", "a:1,", "a:1,b"}) {
            assertRejected(() -> ConfigRules.requireHostPorts(VAR, bad), "must be a comma-separated list of host:port", bad);
        }
    }

    @Test
    void aRejectedSecretIsNeverRepeated() {
        Pattern sixteen = Pattern.compile("(?s).{16,}");
        assertThat(ConfigRules.requireSecret(VAR, "0123456789abcdef", sixteen, "must be long")).hasSize(16);
        assertThatThrownBy(() -> ConfigRules.requireSecret(VAR, "hunter2", sixteen, "must be at least 16 characters"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(VAR + " must be at least 16 characters")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String rule,
            String shownValue) {
        assertThatThrownBy(call)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(VAR + " " + rule)
                .hasMessageEndingWith(", was '" + shownValue + "'")
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(VAR));
    }
}
