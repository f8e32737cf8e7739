package com.marketplace.faults;

import com.marketplace.faults.scenarios.RelayPause;
import org.junit.jupiter.api.Test;

/** Quick-subset run of {@link RelayPause} with the real jars, brokers and database as processes. */
class RelayPauseIT {

    @Test
    void relayFrozenPastItsLeaseRecordsNothingItLost() {
        ScenarioAssertions.passes(new RelayPause());
    }
}
