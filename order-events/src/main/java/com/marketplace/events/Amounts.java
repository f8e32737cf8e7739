package com.marketplace.events;

import java.math.BigDecimal;

/**
 * The contract's rule for amounts of money, shared by the gateway's validation, the events' own
 * checks and the streams app's reading of a peer's sums: hundredths at most, as the gateway stores
 * them ({@code DECIMAL(19,2)}, architecture.md, "Order gateway HTTP API").
 */
public final class Amounts {

    /** Decimal places an amount may have. */
    public static final int MAX_SCALE = 2;

    private Amounts() {
    }

    /**
     * Whether {@code amount} has at most {@value #MAX_SCALE} decimal places, trailing zeros aside
     * ({@code 1500.000} has two). Decided from the scale first, so a number written with a huge
     * exponent is not expanded unless its scale is above two.
     */
    public static boolean hasAtMostTwoPlaces(BigDecimal amount) {
        return amount.scale() <= MAX_SCALE || amount.stripTrailingZeros().scale() <= MAX_SCALE;
    }
}
