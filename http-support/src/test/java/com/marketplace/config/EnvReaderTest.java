package com.marketplace.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvReaderTest {

    private static final String VAR = "SOME_VARIABLE";

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "  \n "})
    void blankValueMeansTheDefaultForEveryType(String blank) {
        EnvReader reader = new EnvReader(Map.of(VAR, blank));

        assertThat(reader.optional(VAR)).isEmpty();
        assertThat(reader.string(VAR, "d")).isEqualTo("d");
        assertThat(reader.verbatim(VAR, "")).isEmpty();
        assertThat(reader.integer(VAR, 7)).isEqualTo(7);
        assertThat(reader.bool(VAR, true)).isTrue();
        assertThat(reader.duration(VAR, Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
        assertThat(reader.path(VAR, Path.of("data"))).isEqualTo(Path.of("data"));
    }

    @Test
    void unsetVariableMeansTheDefault() {
        EnvReader reader = new EnvReader(Map.of());

        assertThat(reader.integer(VAR, 3)).isEqualTo(3);
        assertThat(reader.string(VAR, null)).isNull();
    }

    @Test
    void valuesAreTrimmedExceptVerbatimOnes() {
        EnvReader reader = new EnvReader(Map.of(VAR, " 8080 ", "PASSWORD", " secret "));

        assertThat(reader.integer(VAR, 0)).isEqualTo(8080);
        assertThat(reader.string(VAR, "")).isEqualTo("8080");
        assertThat(reader.verbatim("PASSWORD", "")).isEqualTo(" secret ");
    }

    @Test
    void integerRejectsWhatIsNotADecimalInt() {
        // the last two: digits of other scripts (full-width, Arabic-Indic), which Integer.parseInt takes
        for (String bad : new String[] {"abc", "1.5", "0x10", "99999999999", "\uff17\uff10\uff17\uff10", "\u0663"}) {
            assertRejected(() -> new EnvReader(Map.of(VAR, bad)).integer(VAR, 0), bad, "must be an integer");
        }
    }

    @Test
    void booleanIsTrueOrFalseInAnyCase() {
        assertThat(new EnvReader(Map.of(VAR, "FALSE")).bool(VAR, true)).isFalse();
        assertThat(new EnvReader(Map.of(VAR, "True")).bool(VAR, false)).isTrue();
        assertRejected(() -> new EnvReader(Map.of(VAR, "yes")).bool(VAR, true), "yes", "must be true or false");
    }

    @Test
    void durationIsIso8601() {
        assertThat(new EnvReader(Map.of(VAR, "PT0.25S")).duration(VAR, null)).isEqualTo(Duration.ofMillis(250));
        assertThat(new EnvReader(Map.of(VAR, "P7D")).duration(VAR, null)).isEqualTo(Duration.ofDays(7));
        assertRejected(() -> new EnvReader(Map.of(VAR, "7 days")).duration(VAR, null), "7 days",
                "must be an ISO-8601 duration");
    }

    @Test
    void pathRejectsWhatTheFileSystemCannotName() {
        assertThat(new EnvReader(Map.of(VAR, "/var/lib/x")).path(VAR, null)).isEqualTo(Path.of("/var/lib/x"));
        assertRejected(() -> new EnvReader(Map.of(VAR, "a\0b")).path(VAR, null), "a?b", "must be a file system path");
    }

    @Test
    void aLongOrMultiLineValueIsCutToOneShortLine() {
        String value = "x".repeat(500) + "\nsecond line";

        assertThatThrownBy(() -> new EnvReader(Map.of(VAR, value)).integer(VAR, 0))
                .isInstanceOf(ConfigException.class)
                .hasMessage(VAR + " must be an integer, was '" + "x".repeat(ConfigException.MAX_VALUE_CHARS) + "…'");
    }

    @Test
    void aValueIsShownOnOneLineWhateverLineBreakItHolds() {
        for (String lineBreak : new String[] {"\r", "\u0085", "\u2028", "\u2029"}) {
            assertRejected(() -> new EnvReader(Map.of(VAR, "1" + lineBreak + "2")).integer(VAR, 0), "1?2",
                    "must be an integer");
        }
    }

    static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String shownValue,
            String rule) {
        assertThatThrownBy(call)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(VAR + " " + rule)
                .hasMessageEndingWith(", was '" + shownValue + "'")
                .satisfies(e -> {
                    assertThat(((ConfigException) e).variable()).isEqualTo(VAR);
                    assertThat(e.getMessage()).doesNotContain("\n");
                });
    }
}
