package com.marketplace.config;

import java.util.HashSet;
import java.util.Set;

/**
 * A service's start-up failure as the one line its log gives the operator: what failed, and the
 * underlying cause that says why (a wrong password, a port in use, a broker that refused), without a
 * stack trace, which the service logs at debug level only. Background work that fails again and again
 * (the gateway's upkeep while the database is down) logs its failures in the same one line.
 */
public final class StartupFailure {

    private StartupFailure() {
    }

    /**
     * {@code failure}'s message, followed by its root cause's type and message when that is another
     * exception (and its message is not already in the line).
     */
    public static String describe(Throwable failure) {
        Throwable root = rootCause(failure);
        String message = messageOf(failure);
        if (root == failure) {
            return message;
        }
        // an exception made from its cause alone carries the cause's text already
        String said = root.getMessage() != null ? root.getMessage() : root.getClass().getName();
        if (message.contains(said)) {
            return message;
        }
        return message + " (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
                + ")";
    }

    /**
     * Runs {@code close}, a part to close after {@code failure} (a failed create or start); what it throws
     * is added to {@code failure} as suppressed, so the failure reported stays the one that happened and
     * the parts closed after this one are still closed.
     */
    public static void closeAddingTo(Throwable failure, Runnable close) {
        try {
            close.run();
        } catch (RuntimeException | Error e) {
            if (e != failure) { // the same object thrown again (a JVM out of memory may do so) cannot suppress itself
                failure.addSuppressed(e);
            }
        }
    }

    private static String messageOf(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private static Throwable rootCause(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        Throwable root = failure;
        while (root.getCause() != null && seen.add(root)) {
            root = root.getCause();
        }
        return root;
    }
}
