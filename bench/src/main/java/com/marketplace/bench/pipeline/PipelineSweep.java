package com.marketplace.bench.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest steady rate the whole pipeline holds with 201 → {@code marketplace.email} p99 within
 * a target. Starts the same processes as {@link PipelineBenchmark} once, takes them past their cold
 * start with a warm-up load, then runs steps of increasing open-loop rate on them, each measured
 * like a {@link PipelineBenchmark} run (HTTP latency from the due time, records timed from each
 * order's own 201, CPU per process).
 *
 * <p>Steps do not see each other's backlog: each one waits until its created orders have reached
 * {@code marketplace.email} before the next starts, and its figures hold only its own orders. The
 * sweep stops after a step that did not hold its rate, that missed the target by more than
 * {@value SweepSettings#CLEAR_MISS_FACTOR} times, or that missed it right after another miss. Settings:
 * {@link SweepSettings}, and the process settings of {@link PipelineBenchmark}.
 */
public final class PipelineSweep {

    private static final Logger log = LoggerFactory.getLogger(PipelineSweep.class);

    private PipelineSweep() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(PipelineSettings.fromSystemProperties(), SweepSettings.fromSystemProperties(false))
                .toMarkdown());
    }

    /** Starts the pipeline, warms it up, runs the steps until one stops the sweep, stops everything. */
    public static SweepResult run(PipelineSettings s, SweepSettings sweep) throws Exception {
        // as in a single run: the load client's own JIT warm-up happens before the pipeline starts, not during it
        OpenLoopOrders.warmUp(sweep.warmupRate(), Duration.ofSeconds(10));
        return PipelineBenchmark.withPipeline(s, pipeline -> {
            log.info("Warm-up: {} orders/s for {} s", sweep.warmupRate(), sweep.warmupSeconds());
            PipelineResult warmUp = PipelineBenchmark.measure(pipeline,
                    s.withRate(sweep.warmupRate()).withSeconds(sweep.warmupSeconds()));
            List<SweepStep> steps = new ArrayList<>();
            for (int rate : sweep.rates()) {
                PipelineResult r = PipelineBenchmark.measure(pipeline, s.withRate(rate).withSeconds(sweep.stepSeconds()));
                SweepStep step = new SweepStep(rate, r, sweep.p99TargetMs());
                steps.add(step);
                log.info("Step {} orders/s: {} created/s, 201 → email p50 {} ms p99 {} ms, machine busy {} %, {}", rate,
                        Math.round(r.achievedRate()), Math.round(step.e2eP50Ms()), Math.round(step.e2eP99Ms()),
                        Math.round(r.cpu().machineBusy() * 100), step.passed() ? "passed" : "missed");
                if (stopsAfter(steps)) {
                    break;
                }
            }
            return new SweepResult(sweep, pipeline.startup(), warmUp, steps, pipeline.memoryMb());
        });
    }

    /** Whether the sweep ends after the last of {@code steps}. */
    static boolean stopsAfter(List<SweepStep> steps) {
        SweepStep last = steps.get(steps.size() - 1);
        boolean missedTwice = steps.size() >= 2 && !last.passed() && !steps.get(steps.size() - 2).passed();
        return last.missedClearly() || missedTwice;
    }
}
