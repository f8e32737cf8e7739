package com.marketplace.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Collects a scenario's failed checks and notes, then builds its {@link ScenarioResult}. */
public final class Checks {

    private final String scenario;
    private final List<String> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Checks(String scenario) {
        this.scenario = scenario;
    }

    /** Records {@code message} as a failure unless {@code ok}. */
    public Checks check(boolean ok, String message) {
        if (!ok) {
            failures.add(message);
        }
        return this;
    }

    /**
     * A recovery-time target. It fails a full run ({@code fault-suite/run.sh}), which is where
     * recovery is measured; in the build's quick subset a miss is only noted, with the figure,
     * because a wall-clock bound on a shared build machine is a measurement, not a test. What
     * was lost, doubled or reordered is checked at every scale.
     */
    public Checks checkTiming(Scale scale, boolean ok, String message) {
        if (!ok) {
            if (scale == Scale.FULL) {
                failures.add(message);
            } else {
                notes.add("timing target missed (enforced in full runs): " + message);
            }
        }
        return this;
    }

    public Checks note(String format, Object... args) {
        notes.add(String.format(Locale.ROOT, format, args));
        return this;
    }

    public ScenarioResult result(Audit.Figures f, Duration recovery) {
        check(f.lostRaw() == 0, f.lostRaw() + " events never reached their order topic");
        if (f.outputDuplicates() >= 0) {
            check(f.lostOutputs() == 0, f.lostOutputs() + " events without their email or analytics record");
            check(f.outputDuplicates() == 0, f.outputDuplicates() + " duplicate records on the output topics");
        }
        check(f.orderingViolations() == 0, f.orderingViolations() + " per-order ordering violations");
        check(f.notProcessed() == 0, f.notProcessed() + " outbox rows not PROCESSED at the end");
        return new ScenarioResult(scenario, f.events(), f.lost(), f.rawDuplicates(), f.outputDuplicates(),
                f.orderingViolations(), recovery, List.copyOf(failures), List.copyOf(notes));
    }

    /** The result of a scenario that checks no pipeline figures of its own ({@code events} handled). */
    public ScenarioResult result(long events, Duration recovery) {
        return new ScenarioResult(scenario, events, 0, 0, -1, 0, recovery, List.copyOf(failures), List.copyOf(notes));
    }

    /** {@code d} in seconds with one decimal, "n/a" when null. */
    public static String seconds(Duration d) {
        return d == null ? "n/a" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
