package com.marketplace.faults;

import com.marketplace.faults.scenarios.RelayKill;
import org.junit.jupiter.api.Test;

/** Quick-subset run of {@link RelayKill} with the real jars, brokers and database as processes. */
class RelayKillIT {

    @Test
    void relayKilledThreeTimesMidDrainLosesNothingAndDuplicatesOnlyWhatItHeld() {
        ScenarioAssertions.passes(new RelayKill());
    }
}
