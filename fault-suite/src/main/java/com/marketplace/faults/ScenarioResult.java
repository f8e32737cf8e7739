package com.marketplace.faults;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one scenario: pass or fail with the reasons, and its figures.
 *
 * @param scenario           short name of the scenario
 * @param events             outbox events the database holds at the end (what should have been delivered)
 * @param lost               events of the database never seen on their Kafka topic (or, with the streams
 *                           app in the scenario, without their outputs)
 * @param rawDuplicates      records on the order topics beyond the first of each eventId
 * @param outputDuplicates   records on the output topics beyond the first of each output id (after
 *                           dedupe); -1 when the scenario runs no streams app
 * @param orderingViolations events seen before an earlier event of the same order on the same topic
 * @param recovery           the scenario's recovery time (what it measures is in {@code notes}); null if none
 * @param failures           why it failed; empty when it passed
 * @param notes              other figures worth reading
 */
public record ScenarioResult(String scenario, long events, long lost, long rawDuplicates, long outputDuplicates,
        long orderingViolations, Duration recovery, List<String> failures, List<String> notes) {

    public boolean passed() {
        return failures.isEmpty();
    }

    /** A result for a scenario that could not run to its checks. */
    public static ScenarioResult crashed(String scenario, Throwable error) {
        return new ScenarioResult(scenario, 0, 0, 0, -1, 0, null,
                List.of("did not complete: " + error), List.of());
    }

    /** Markdown table header matching {@link #row()}. */
    public static String header() {
        return "| scenario | result | events | lost | dups raw | dups after dedupe | ordering violations | recovery |\n"
                + "|---|---|---|---|---|---|---|---|\n";
    }

    public String row() {
        return String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %s | %d | %s |%n", scenario,
                passed() ? "PASS" : "FAIL", events, lost, rawDuplicates,
                outputDuplicates < 0 ? "n/a" : Long.toString(outputDuplicates), orderingViolations,
                recovery == null ? "n/a" : String.format(Locale.ROOT, "%.1f s", recovery.toMillis() / 1000.0));
    }

    /** The row, then the failures and notes, one per line. */
    public String details() {
        StringBuilder out = new StringBuilder(scenario).append(passed() ? ": PASS" : ": FAIL").append('\n');
        failures.forEach(f -> out.append("  FAILED: ").append(f).append('\n'));
        notes.forEach(n -> out.append("  ").append(n).append('\n'));
        return out.toString();
    }
}
