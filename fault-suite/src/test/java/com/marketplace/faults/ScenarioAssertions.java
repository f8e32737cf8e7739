package com.marketplace.faults;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs one scenario of the quick subset on the shared lab and fails the test with its reasons. */
final class ScenarioAssertions {

    private ScenarioAssertions() {
    }

    static ScenarioResult passes(Scenario scenario) {
        ScenarioResult result = Lab.shared().run(scenario);
        System.out.print(ScenarioResult.header() + result.row() + result.details());
        assertThat(result.failures()).as(result.details()).isEmpty();
        return result;
    }
}
