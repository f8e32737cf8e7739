package com.marketplace.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marketplace.harness.MariaDbServer;

/**
 * Runs one scenario of the quick subset on the shared lab and fails the test with its reasons. Every
 * scenario runs on the lab's own MariaDB server: without its binaries the test is skipped, unless
 * {@value MariaDbServer#REQUIRED_ENV} demands them (as CI does).
 */
final class ScenarioAssertions {

    private ScenarioAssertions() {
    }

    static ScenarioResult passes(Scenario scenario) {
        assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED);
        ScenarioResult result = Lab.shared().run(scenario);
        System.out.print(ScenarioResult.header() + result.row() + result.details());
        assertThat(result.failures()).as(result.details()).isEmpty();
        return result;
    }
}
