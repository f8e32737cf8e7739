package com.marketplace.bench.pipeline;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a rate sweep measured: the warm-up, every step run (in order), and the memory of the
 * gateway and the streams app at its end (MiB by measure).
 */
public record SweepResult(SweepSettings settings, Duration startup, PipelineResult warmUp, List<SweepStep> steps,
        Map<String, Double> memoryMb) {

    /**
     * The highest rate that passed with every lower step passing too, so a lucky step after a miss
     * does not count; empty when the first step missed.
     */
    public OptionalInt highestPassingRate() {
        OptionalInt highest = OptionalInt.empty();
        for (SweepStep step : steps) {
            if (!step.passed()) {
                break;
            }
            highest = OptionalInt.of(step.rate());
        }
        return highest;
    }

    /** The step at the highest rate run. */
    public SweepStep topStep() {
        return steps.get(steps.size() - 1);
    }

    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Pipeline ready %.1f s after a cold start; warm-up %d orders/s for %d s "
                + "(its last period, %d–%d s: 201 → email p50 %.1f ms, p99 %.1f ms); then steps of %d s each, every step drained "
                + "to `marketplace.email` before the next. Target: 201 → email p99 ≤ %.0f ms, every order answered 201 "
                + "and on `marketplace.email`, HTTP p99 from due within the same bound, and at least %.0f %% "
                + "of the rate answered a second.%n%n",
                startup.toMillis() / 1000.0, settings.warmupRate(), settings.warmupSeconds(), lastPeriod().fromSecond(),
                lastPeriod().toSecond(), lastPeriod().p50Ms(),
                lastPeriod().p99Ms(), settings.stepSeconds(), settings.p99TargetMs(), SweepSettings.HELD_SHARE * 100));
        out.append("| offered (orders/s) | achieved (201/s) | 201 → email p50 (ms) | p99 | max | 201 → created p50 | p99 "
                + "| HTTP p99 from due | client late, max | machine busy | cores: ");
        out.append(String.join(" / ", topStep().result().cpu().cores().keySet()));
        out.append(" | cores, other processes | p99 ≤ target |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SweepStep step : steps) {
            PipelineResult r = step.result();
            out.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f %% | %s | %.2f | %s |%n",
                    step.rate(), r.achievedRate(), step.e2eP50Ms(), step.e2eP99Ms(), step.e2eMaxMs(), step.relayP50Ms(),
                    step.relayP99Ms(), step.httpP99Ms(), step.clientLateMaxMs(), r.cpu().machineBusy() * 100,
                    PipelineResult.cores(r.cpu()), r.cpu().otherCores(), verdict(step)));
        }
        out.append('\n').append(highestPassingRate().isPresent()
                ? String.format(Locale.ROOT, "**Highest rate held with p99 ≤ %.0f ms: %d orders/s.**", settings.p99TargetMs(),
                        highestPassingRate().getAsInt())
                : String.format(Locale.ROOT, "**No step held p99 ≤ %.0f ms.**", settings.p99TargetMs()));
        out.append(String.format(Locale.ROOT, " Orders not answered 201 or missing on `marketplace.email` after the "
                + "drain, by step: %s. Latencies in ms; cores are CPU seconds per second of the step, from `/proc`; "
                + "\"other processes\" is whatever else ran on the machine meanwhile.%n", lostByStep()));
        out.append("\nKafka requests by step, per 100 created orders, read before the step and after its drain"
                + " (the measuring consumer's fetches not counted; a step whose drain timed out shows none):\n\n"
                + "| offered (orders/s) | ").append(String.join(" | ", KafkaRequests.COLUMNS)).append(" |\n|---|")
                .append("---|".repeat(KafkaRequests.COLUMNS.size())).append('\n');
        for (SweepStep step : steps) {
            PipelineResult r = step.result();
            List<String> cells = r.drained() == null
                    ? Collections.nCopies(KafkaRequests.COLUMNS.size(), "–") : r.kafkaRequests().columns(r.created());
            out.append("| ").append(step.rate()).append(" | ").append(String.join(" | ", cells)).append(" |\n");
        }
        return out.toString();
    }

    private PipelineResult.Phase lastPeriod() {
        List<PipelineResult.Phase> timeline = warmUp.timeline();
        return timeline.get(timeline.size() - 1);
    }

    private static String verdict(SweepStep step) {
        if (!step.held()) {
            return "**no** (rate not held)";
        }
        return step.passed() ? "yes" : "**no**";
    }

    private String lostByStep() {
        StringBuilder s = new StringBuilder();
        for (SweepStep step : steps) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %d / %d", step.rate(),
                    step.result().answeredOther(), step.result().lostEndToEnd()));
        }
        return s.toString();
    }
}
