package com.marketplace.faults;

import com.marketplace.faults.scenarios.DatabaseDown;
import org.junit.jupiter.api.Test;

/** Quick-subset runs of {@link DatabaseDown}, stopped and paused, with the real jars, brokers and database as processes. */
class DatabaseDownIT {

    @Test
    void databaseDownFifteenSecondsAnswers503FastAndResumes() {
        ScenarioAssertions.passes(new DatabaseDown());
    }

    @Test
    void databasePausedFifteenSecondsAnswers503WithinTheRoundTripTimeoutAndResumes() {
        ScenarioAssertions.passes(new DatabaseDown(DatabaseDown.Outage.PAUSED));
    }
}
