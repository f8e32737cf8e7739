package com.marketplace.streams.stats;

/**
 * How one order's contribution to one party's statistics changed: {@code before} comes out and
 * {@code after} goes in. Either is null when the order enters or leaves that party's statistics.
 */
public record ContributionChange(OrderContribution before, OrderContribution after) {

    public ContributionChange {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change has a before, an after, or both");
        }
    }
}
