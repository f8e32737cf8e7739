package com.marketplace.bench.pipeline;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.Figure;
import com.marketplace.bench.Scenario;
import com.marketplace.bench.ScenarioResult;
import com.marketplace.bench.ThreadCpu;
import com.marketplace.bench.report.Charts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The highest steady rate the whole pipeline holds with 201 → {@code marketplace.email} p99 within
 * its target: {@link PipelineSweep} with {@link SweepSettings} (25 s steps after a 60 s warm-up; 5 s
 * steps after 15 s in a quick run, which includes it only when {@code -Dbench.only} names it), the
 * processes of {@link PipelineBenchmark}.
 */
public final class PipelineSweepScenario implements Scenario {

    @Override
    public String name() {
        return "pipeline-sweep";
    }

    /**
     * Not in a quick run unless named: a few seconds per step after a short warm-up measure a pipeline
     * still in its cold start, and would take more than a minute of the quick run's few.
     */
    @Override
    public boolean inQuickRun() {
        return false;
    }

    @Override
    public ScenarioResult run(BenchEnvironment env) throws Exception {
        SweepSettings sweep = SweepSettings.fromSystemProperties(env.settings().quick());
        PipelineSettings settings = PipelineSettings.fromSystemProperties().withWorkDir(env.workDir(name()));
        SweepResult r = PipelineSweep.run(settings, sweep);
        ScenarioResult result = new ScenarioResult(String.format(Locale.ROOT,
                "Rate sweep: the highest steady rate with HTTP 201 → marketplace.email p99 ≤ %.0f ms", sweep.p99TargetMs()));
        figures(result, r);
        result.details(r.toMarkdown());
        plot(env.plotFile(name()), r);
        result.plot(env.plotFile(name()).getFileName().toString());
        r.memoryMb().forEach((measure, mb) -> result.memory(measure.startsWith("gateway") ? "gateway" : "streams-app",
                measure.substring(measure.indexOf(' ') + 1), mb));
        result.bound(bound(r.topStep()));
        return result;
    }

    private static void figures(ScenarioResult result, SweepResult r) {
        double highest = r.highestPassingRate().isPresent() ? r.highestPassingRate().getAsInt() : Double.NaN;
        result.figure(Figure.of(String.format(Locale.ROOT, "highest rate with 201 → marketplace.email p99 ≤ %.0f ms",
                r.settings().p99TargetMs()), highest, "orders/s", "", Double.NaN));
        r.steps().stream().filter(s -> s.rate() == highest).findFirst().ifPresent(s -> {
            result.figure(Figure.of("201 → marketplace.email p99 at that rate", s.e2eP99Ms(), "ms", "", Double.NaN));
            result.figure(Figure.of("machine busy at that rate", s.result().cpu().machineBusy() * 100, "%", "", Double.NaN));
            result.figure(Figure.of("CPU per order at that rate, pipeline processes", s.result().cpuMillisPerOrder(), "ms",
                    "", Double.NaN));
        });
    }

    private static void plot(Path file, SweepResult r) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("201 → marketplace.email p99", points(r, SweepStep::e2eP99Ms));
        series.put("201 → marketplace.email p50", points(r, SweepStep::e2eP50Ms));
        series.put("201 → marketplace.order.created p99", points(r, SweepStep::relayP99Ms));
        series.put("HTTP POST p99 (from due time)", points(r, SweepStep::httpP99Ms));
        Charts.latencyByRate(file, "Pipeline latency by offered rate (each step " + r.settings().stepSeconds() + " s, warm)",
                "offered rate (orders/s)", series, r.settings().p99TargetMs());
    }

    private static double[][] points(SweepResult r, ToDoubleFunction<SweepStep> measure) {
        return r.steps().stream().map(s -> new double[] {s.rate(), measure.applyAsDouble(s)}).toArray(double[][]::new);
    }

    private static String bound(SweepStep top) {
        CpuWindow.Usage cpu = top.result().cpu();
        StringBuilder bound = new StringBuilder(String.format(Locale.ROOT,
                "At the highest step run, %d orders/s, the machine was %.0f %% busy (%.2f ms of CPU per order across the "
                + "pipeline, its drain after the step included). Cores per process and their busiest threads:",
                top.rate(), cpu.machineBusy() * 100, top.result().cpuMillisPerOrder()));
        cpu.cores().forEach((name, cores) -> bound.append(String.format(Locale.ROOT, " %s %.2f (%s);", name, cores,
                ThreadCpu.describe(cpu.threadCores().get(name)))));
        bound.append(" The relay's sends / recording transactions per 100 orders at that step: ")
                .append(top.result().relayRounds().per100(top.result().created())).append('.');
        return bound.toString();
    }
}
