package com.marketplace.faults;

import java.time.Duration;

/**
 * The threads that inject a scenario's faults beside its load (a killer, an outage). Each is a daemon
 * and is ended by the scenario whatever happens to the load, so one left running can neither restart a
 * service after the scenario closed its stack nor hold the JVM open.
 */
public final class FaultThreads {

    private static final Duration AFTER_INTERRUPT = Duration.ofSeconds(30);

    private FaultThreads() {
    }

    /** Starts {@code work} on a daemon thread named {@code name}. */
    public static Thread start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Waits up to {@code bound} for {@code thread} to end. One still running then is interrupted and
     * waited for a little longer, and the scenario fails: its faults did not end when they should.
     */
    public static void end(Thread thread, Duration bound, Checks checks) throws InterruptedException {
        thread.join(bound.toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(AFTER_INTERRUPT.toMillis());
            checks.check(false, thread.getName() + " did not end within " + bound.toSeconds() + " s of the load");
        }
    }
}
