package com.marketplace.streams.query;

import java.time.Instant;
import java.util.Objects;

/**
 * The number of orders created in the one-minute window starting at {@code windowStart}.
 *
 * @param windowStart start of the window (UTC, whole minute)
 * @param count       orders created in {@code [windowStart, windowStart + 1 min)}
 */
public record WindowCount(Instant windowStart, long count) {

    public WindowCount {
        Objects.requireNonNull(windowStart, "windowStart");
    }
}
