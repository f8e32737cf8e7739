package com.marketplace.faults;

import com.marketplace.faults.scenarios.GatewayKill;
import org.junit.jupiter.api.Test;

/** Quick-subset run of {@link GatewayKill} with the real jars, brokers and database as processes. */
class GatewayKillIT {

    @Test
    void gatewayKilledUnderLoadKeepsOneOrderPerIdempotencyKey() {
        ScenarioAssertions.passes(new GatewayKill());
    }
}
