package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UtcTimestampsTest {

    private static final DateTimeFormatter PATTERN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    @Test
    void utcWithMicroseconds() {
        assertThat(UtcTimestamps.text(Instant.parse("2026-12-01T09:05:03.000042789Z"))).isEqualTo("2026-12-01 09:05:03.000042");
        assertThat(UtcTimestamps.text(Instant.EPOCH)).isEqualTo("1970-01-01 00:00:00.000000");
        assertThat(UtcTimestamps.text(Instant.parse("9999-12-31T23:59:59.999999Z"))).isEqualTo("9999-12-31 23:59:59.999999");
    }

    @Test
    void sameAsTheFormattedPattern() {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-30_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
            assertThat(UtcTimestamps.text(at)).isEqualTo(PATTERN.format(at));
        }
    }
}
