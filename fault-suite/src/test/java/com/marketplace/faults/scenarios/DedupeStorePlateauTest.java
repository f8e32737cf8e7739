package com.marketplace.faults.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.faults.Checks;
import com.marketplace.faults.scenarios.DedupeStorePlateau.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The plateau check on made-up samples: 50 events/s, one sample every 2 s. */
class DedupeStorePlateauTest {

    private static final long RATE = 50;

    @Test
    void storeThatDropsExpiredSegmentsPasses() {
        // Given a store holding the last 20 s plus the part of the current 60 s segment: a sawtooth
        List<Sample> samples = samples(200, second -> RATE * (20 + second % 60));

        assertThat(failures(samples)).isEmpty();
    }

    @Test
    void storeKeepingEveryEventIdFails() {
        List<Sample> samples = samples(200, second -> RATE * second);

        assertThat(failures(samples)).anyMatch(f -> f.startsWith("dedupe-store above the events of the last"));
    }

    @Test
    void runTooShortToTellGrowthFromPlateauFails() {
        List<Sample> samples = samples(90, second -> RATE * (20 + second % 60));

        assertThat(failures(samples)).anyMatch(f -> f.startsWith("run too short"));
    }

    @Test
    void keyCountNeverExportedFails() {
        List<Sample> samples = samples(200, second -> Double.NaN);

        assertThat(failures(samples)).anyMatch(f -> f.contains("never exported"));
    }

    private static List<Sample> samples(long seconds, LongToDoubleFunction keysAt) {
        List<Sample> samples = new ArrayList<>();
        for (long s = 0; s <= seconds; s += 2) {
            samples.add(new Sample(s * 1_000_000_000L, keysAt.applyAsDouble(s), RATE * s));
        }
        return samples;
    }

    private static List<String> failures(List<Sample> samples) {
        Checks checks = new Checks("dedupe-store-plateau");
        DedupeStorePlateau.checkPlateau(samples, checks);
        return checks.result(0, null).failures();
    }
}
