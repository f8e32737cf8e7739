package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(500), Duration.ofSeconds(10));

    @Test
    void delayDoublesPerAttemptWithinItsUpperHalfUpToTheMaximum() {
        long[] ceilingsMs = {500, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000};
        for (int attempts = 0; attempts < ceilingsMs.length; attempts++) {
            for (int sample = 0; sample < 200; sample++) {
                long delay = backoff.delay(attempts).toMillis();
                assertThat(delay).as("after %d failed attempts", attempts)
                        .isBetween(ceilingsMs[attempts] / 2, ceilingsMs[attempts]);
            }
        }
    }

    @Test
    void jitterSpreadsTheRetriesOfRowsThatFailedTogether() {
        Set<Long> delays = new HashSet<>();
        for (int row = 0; row < 50; row++) {
            delays.add(backoff.delay(3).toMillis());
        }
        assertThat(delays).hasSizeGreaterThan(10);
    }

    @Test
    void manyAttemptsStayAtTheMaximumWithoutOverflow() {
        assertThat(backoff.delay(1_000)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        assertThat(backoff.nextAttemptAt(now, Integer.MAX_VALUE)).isBetween(now.plusSeconds(5), now.plusSeconds(10));
    }
}
