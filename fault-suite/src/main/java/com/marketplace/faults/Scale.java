package com.marketplace.faults;

/**
 * How big a run is: the quick subset (in every build) runs each scenario smaller than the full suite;
 * the checks are the same.
 */
public enum Scale {
    QUICK,
    FULL;

    /** {@code quick} in the quick subset, else {@code full}. */
    public int pick(int quick, int full) {
        return this == QUICK ? quick : full;
    }
}
