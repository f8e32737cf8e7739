package com.marketplace.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmountsTest {

    @ParameterizedTest
    @CsvSource({"1500, true", "1500.5, true", "1500.55, true", "1500.000, true", "1E+5, true", "0.001, false",
            "1500.551, false", "1500.5510, false", "1E-3, false", "1E+999999999, true"})
    void hundredthsAtMostTrailingZerosAside(String amount, boolean ok) {
        assertThat(Amounts.hasAtMostTwoPlaces(new BigDecimal(amount))).isEqualTo(ok);
    }
}
