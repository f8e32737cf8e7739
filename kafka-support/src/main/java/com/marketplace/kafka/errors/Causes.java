package com.marketplace.kafka.errors;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/** What a failure's chain of causes holds. */
public final class Causes {

    private Causes() {
    }

    /** Whether {@code failure} or any of its causes is a {@code type}; a chain that loops is read once. */
    public static boolean include(Throwable failure, Class<? extends Throwable> type) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable e = failure; e != null && seen.add(e); e = e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code failure} as its {@code toString()}, followed by its innermost cause's when it has one that the
     * text does not hold already (an exception made from its cause alone carries the cause's text): a Kafka
     * client that met a refusal reports later failures as its own state ("in an error state"), the
     * refusal itself only as their cause. Unlike the one line a service logs for an operator
     * ({@code StartupFailure}), both keep their types: the text is recorded with the event that failed,
     * where a program may look for the type.
     */
    public static String describe(Throwable failure) {
        if (failure == null) {
            return "null";
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable innermost = failure;
        for (Throwable e = failure; e != null && seen.add(e); e = e.getCause()) {
            innermost = e;
        }
        String described = failure.toString();
        String cause = innermost.toString();
        return innermost == failure || described.contains(cause) ? described : described + " (caused by " + cause + ")";
    }
}
