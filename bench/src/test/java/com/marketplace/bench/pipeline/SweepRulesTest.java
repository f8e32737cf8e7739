package com.marketplace.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.bench.gateway.RelayRounds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The sweep's rules: when a step holds its rate, when it passes, when the sweep stops. */
class SweepRulesTest {

    private static final double TARGET_MS = 200;
    private static final int SECONDS = 25;

    /**
     * A step at {@code rate}, {@code answered} orders answered 201 (each {@code httpMs} after its due
     * time), {@code notCreated} answered otherwise, all but {@code lostOnEmail} on email {@code e2eMs}
     * after their 201.
     */
    private static SweepStep step(int rate, int answered, int notCreated, int lostOnEmail, double e2eMs,
                                  double httpMs) {
        Histogram e2e = PipelineBenchmark.newHistogram();
        for (int i = 0; i < answered - lostOnEmail; i++) {
            e2e.recordValue((long) (e2eMs * 1000));
        }
        Histogram http = PipelineBenchmark.newHistogram();
        for (int i = 0; i < answered; i++) {
            http.recordValue((long) (httpMs * 1000));
        }
        PipelineSettings settings = new PipelineSettings(rate, SECONDS, "jdbc:mysql://h/db", "u", "", Path.of("."),
                Path.of("target"), false, Map.of(), Map.of(), Map.of(), false);
        PipelineResult result = new PipelineResult(settings, Duration.ZERO, answered + notCreated, answered, notCreated,
                0, lostOnEmail, http, PipelineBenchmark.newHistogram(), e2e,
                PipelineBenchmark.newHistogram(), SECONDS, List.of(), null, null, Map.of(), RelayRounds.NONE,
                KafkaRequests.NONE);
        return new SweepStep(rate, result, TARGET_MS);
    }

    private static SweepStep step(int rate, int answered, int notCreated, int lostOnEmail, double e2eMs) {
        return step(rate, answered, notCreated, lostOnEmail, e2eMs, 5);
    }

    private static SweepStep passing(int rate) {
        return step(rate, rate * SECONDS, 0, 0, 100);
    }

    @Test
    void aStepPassesWhenItHoldsItsRateWithinTheP99Target() {
        assertThat(passing(100).passed()).isTrue();
        assertThat(step(100, 100 * SECONDS, 0, 0, 250).passed()).as("p99 over the target").isFalse();
        assertThat(step(100, 100 * SECONDS, 0, 0, 250).held()).isTrue();
        assertThat(step(100, 100 * SECONDS, 0, 0, 100, 250).passed()).as("answers late on the schedule").isFalse();
        assertThat(step(100, 100 * SECONDS, 0, 0, 100, 250).held()).isTrue();
    }

    @Test
    void aStepDoesNotHoldItsRateWhenAnOrderFailsOrNeverReachesEmailOrTooFewAreAnswered() {
        assertThat(step(100, 100 * SECONDS - 1, 1, 0, 100).held()).as("one order not created").isFalse();
        assertThat(step(100, 100 * SECONDS, 0, 1, 100).held()).as("one order never on email").isFalse();
        assertThat(step(100, (int) (0.96 * 100 * SECONDS), 0, 0, 100).held()).as("96 % of the rate").isTrue();
        assertThat(step(100, (int) (0.94 * 100 * SECONDS), 0, 0, 100).held()).as("94 % of the rate").isFalse();
    }

    @Test
    void theSweepGoesOnAfterOneNarrowMissAndStopsAfterTwoMissesOrOneClearMiss() {
        SweepStep narrowMiss = step(300, 300 * SECONDS, 0, 0, 250);
        SweepStep clearMiss = step(300, 300 * SECONDS, 0, 0, 301);
        SweepStep notHeld = step(300, 200 * SECONDS, 0, 0, 100);

        assertThat(PipelineSweep.stopsAfter(List.of(passing(100)))).isFalse();
        assertThat(PipelineSweep.stopsAfter(List.of(passing(100), narrowMiss))).isFalse();
        assertThat(PipelineSweep.stopsAfter(List.of(passing(100), narrowMiss, step(400, 400 * SECONDS, 0, 0, 250))))
                .isTrue();
        assertThat(PipelineSweep.stopsAfter(List.of(passing(100), narrowMiss, passing(400)))).isFalse();
        assertThat(PipelineSweep.stopsAfter(List.of(passing(100), clearMiss))).isTrue();
        assertThat(PipelineSweep.stopsAfter(List.of(passing(100), notHeld))).isTrue();
        assertThat(PipelineSweep.stopsAfter(List.of(passing(100), step(300, 300 * SECONDS, 0, 0, 100, 450))))
                .as("answers far behind the schedule").isTrue();
    }
}
