package com.marketplace.gateway.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderNumbersTest {

    @Test
    void utcDateAndTenDigitId() {
        assertThat(OrderNumbers.of(42, Instant.parse("2026-12-01T23:59:59.999999Z"))).isEqualTo("ORD-20261201-0000000042");
        assertThat(OrderNumbers.of(0, Instant.parse("0987-01-02T00:00:00Z"))).isEqualTo("ORD-09870102-0000000000");
        assertThat(OrderNumbers.of(12_345_678_901L, Instant.parse("2026-06-30T10:00:00Z")))
                .as("an id longer than ten digits is written whole").isEqualTo("ORD-20260630-12345678901");
    }

    @Test
    void sameAsTheFormattedPattern() {
        DateTimeFormatter date = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long id = random.nextInt(Integer.MAX_VALUE);
            Instant at = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE));
            assertThat(OrderNumbers.of(id, at)).isEqualTo("ORD-" + date.format(at) + "-" + String.format("%010d", id));
        }
    }

    @Test
    void negativeIdIsRefused() {
        assertThatThrownBy(() -> OrderNumbers.of(-1, Instant.EPOCH)).isInstanceOf(IllegalArgumentException.class);
    }
}
