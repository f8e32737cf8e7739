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
}
