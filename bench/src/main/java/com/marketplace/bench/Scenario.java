package com.marketplace.bench;

/** One benchmark scenario: measures the project's path and its baseline in the same run. */
public interface Scenario {

    /** Short name, used with {@code -Dbench.only=name,...} and in file names of its plots. */
    String name();

    /**
     * Whether a quick run ({@code bench/run.sh --quick}) includes this scenario when no
     * {@code -Dbench.only} names it; a scenario whose quick form would show nothing but still cost
     * most of a minute says no.
     */
    default boolean inQuickRun() {
        return true;
    }

    /**
     * Runs the scenario (warm-up included) and returns what it measured.
     *
     * @throws Exception when it cannot complete; the runner records the failure and goes on
     */
    ScenarioResult run(BenchEnvironment env) throws Exception;
}
