package com.marketplace.faults;

/** One fault scenario: sets up its processes in a {@link Stack}, injects its faults, checks the outcome. */
public interface Scenario {

    /** Short name, used on the command line and in the table. */
    String name();

    /** Whether it belongs to the quick subset that runs in every build. */
    boolean quick();

    /** Runs the scenario on {@code stack} (fresh database and brokers) and checks its outcome. */
    ScenarioResult run(Stack stack) throws Exception;
}
