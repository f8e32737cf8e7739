package com.marketplace.faults;

import com.marketplace.faults.scenarios.DatabaseDown;
import org.junit.jupiter.api.Test;

/** Quick-subset run of {@link DatabaseDown} with the real jars, brokers and database as processes. */
class DatabaseDownIT {

    @Test
    void databaseDownFifteenSecondsAnswers503FastAndResumes() {
        ScenarioAssertions.passes(new DatabaseDown());
    }
}
