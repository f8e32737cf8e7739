package com.marketplace.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that follows real time plus an offset the test can move forward (e.g. past a lease), or,
 * {@link #stoppedAt stopped}, moves only when the test moves it.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);
    /** The instant a stopped clock shows before any advance; null for one that follows real time. */
    private final Instant stoppedAt;

    public MutableClock() {
        this(null);
    }

    private MutableClock(Instant stoppedAt) {
        this.stoppedAt = stoppedAt;
    }

    /** A clock that shows {@code instant} until the test advances it. */
    public static MutableClock stoppedAt(Instant instant) {
        return new MutableClock(Objects.requireNonNull(instant, "instant"));
    }

    public void advance(Duration by) {
        offset.updateAndGet(current -> current.plus(by));
    }

    @Override
    public Instant instant() {
        return (stoppedAt == null ? Instant.now() : stoppedAt).plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("fixed to UTC");
    }
}
