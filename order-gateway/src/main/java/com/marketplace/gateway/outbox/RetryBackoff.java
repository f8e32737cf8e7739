package com.marketplace.gateway.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: after attempt {@code n} the next one is due after a delay drawn
 * from [d/2, d], where d = min(max, base × 2^(n-1)). Jitter spreads the retries of a batch that
 * failed together, so they do not hit a recovering broker at the same instant.
 */
final class RetryBackoff {

    private final Duration base;
    private final Duration max;

    RetryBackoff(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /** When the attempt after {@code attemptsSoFar} failed attempts is due. */
    Instant nextAttemptAt(Instant now, int attemptsSoFar) {
        return now.plus(delay(attemptsSoFar));
    }

    Duration delay(int attemptsSoFar) {
        long ceilingMs = doubled(base, attemptsSoFar - 1, max).toMillis();
        long jittered = ceilingMs / 2 + ThreadLocalRandom.current().nextLong(ceilingMs / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    /** {@code base} doubled {@code times} times (none below 0, at most 30), and at most {@code max}. */
    static Duration doubled(Duration base, int times, Duration max) {
        Duration doubled = base.multipliedBy(1L << Math.min(Math.max(times, 0), 30));
        return doubled.compareTo(max) > 0 ? max : doubled;
    }
}
