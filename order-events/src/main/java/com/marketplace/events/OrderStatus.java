package com.marketplace.events;

import java.util.EnumSet;
import java.util.Set;

/**
 * Order statuses and the only legal transitions between them:
 * {@code PENDING → PAID | CANCELLED}, {@code PAID → SHIPPED | CANCELLED}, {@code SHIPPED → DELIVERED}.
 * {@code DELIVERED} and {@code CANCELLED} are terminal.
 */
public enum OrderStatus {
    PENDING,
    PAID,
    SHIPPED,
    DELIVERED,
    CANCELLED;

    /** The statuses this one may move to; empty for terminal statuses. */
    public Set<OrderStatus> nextStatuses() {
        return switch (this) {
            case PENDING -> EnumSet.of(PAID, CANCELLED);
            case PAID -> EnumSet.of(SHIPPED, CANCELLED);
            case SHIPPED -> EnumSet.of(DELIVERED);
            case DELIVERED, CANCELLED -> EnumSet.noneOf(OrderStatus.class);
        };
    }

    /** Whether moving from this status to {@code target} is a legal transition (same status is not one). */
    public boolean canTransitionTo(OrderStatus target) {
        return nextStatuses().contains(target);
    }

    public boolean isTerminal() {
        return nextStatuses().isEmpty();
    }
}
