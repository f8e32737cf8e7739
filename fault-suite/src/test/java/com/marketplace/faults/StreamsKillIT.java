package com.marketplace.faults;

import com.marketplace.faults.scenarios.StreamsKill;
import org.junit.jupiter.api.Test;

/** Quick-subset run of {@link StreamsKill} with the real jars, brokers and database as processes. */
class StreamsKillIT {

    @Test
    void streamsKilledThreeTimesKeepsOutputsExactlyOnceAndStatsRight() {
        ScenarioAssertions.passes(new StreamsKill());
    }
}
