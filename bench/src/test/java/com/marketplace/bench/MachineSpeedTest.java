package com.marketplace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineSpeedTest {

    @Test
    void theReadingIsTheCpuTimeOfRealWork() {
        double millis = MachineSpeed.referenceMillis();

        // sorting a million ints takes tens of milliseconds on any machine of these years, never nothing
        assertThat(millis).isGreaterThan(1).isLessThan(10_000);
    }
}
