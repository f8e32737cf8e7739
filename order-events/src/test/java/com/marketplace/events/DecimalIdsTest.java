package com.marketplace.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecimalIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "7", "42", "9223372036854775807", "1000000000000000000"})
    void canonicalAsciiDecimalsAreIds(String text) {
        assertThat(DecimalIds.parse(text)).isEqualTo(OptionalLong.of(Long.parseLong(text)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "00", "07", "+7", "-7", "7 ", " 7", "7.0", "1e3", "0x7",
            "\u0667", "\u0661\u0662", "\uFF17", "\u096D", "9223372036854775808", "99999999999999999999",
            "00000000000000000001"})
    void everyOtherSpellingIsNotAnId(String text) {
        assertThat(DecimalIds.parse(text)).as(text).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661", "+1", "01"})
    void longParseLongWouldHaveTakenThem(String text) {
        assertThat(Long.parseLong(text)).isEqualTo(1L);
        assertThat(DecimalIds.parse(text)).isEmpty();
    }
}
