package com.marketplace.faults;

import com.marketplace.faults.scenarios.HttpFuzz;
import org.junit.jupiter.api.Test;

/** Quick-subset run of {@link HttpFuzz} with the real gateway jar, broker and database as processes. */
class HttpFuzzIT {

    @Test
    void generatedHostileRequestsGetNo5xxNoHangOnlyProblemJsonAndWriteNothingWhenRejected() {
        ScenarioAssertions.passes(new HttpFuzz());
    }
}
