package com.marketplace.bench.pipeline;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.Figure;
import com.marketplace.bench.Scenario;
import com.marketplace.bench.ScenarioResult;
import com.marketplace.bench.ThreadCpu;
import com.marketplace.bench.report.Charts;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The whole pipeline at a steady 200 orders/s from a cold start: {@link PipelineBenchmark} with its
 * settings ({@link PipelineSettings}, 90 s of load; 10 s in a quick run unless {@code bench.seconds}
 * is given), its files in the scenario's work directory as every scenario's are. The targets are
 * reported for the whole run and from the first minute on; "busy" is given both for the whole
 * machine (the load client, which a deployment does not have, included) and for the pipeline's own
 * processes.
 */
public final class PipelineScenario implements Scenario {

    /**
     * Where "from the first minute on" starts: the target holds the latencies from the first minute
     * of load on, so the orders due in the first 60 s are reported on their own (the whole-run rows).
     */
    static final int SETTLED_FROM_SECOND = 60;

    @Override
    public String name() {
        return "pipeline";
    }

    @Override
    public ScenarioResult run(BenchEnvironment env) throws Exception {
        PipelineSettings settings = PipelineSettings.fromSystemProperties().withWorkDir(env.workDir(name()));
        if (env.settings().quick() && System.getProperty("bench.seconds") == null) {
            settings = settings.withSeconds(10);
        }
        PipelineResult r = PipelineBenchmark.run(settings);
        ScenarioResult result = new ScenarioResult(String.format(Locale.ROOT,
                "End to end: HTTP 201 → marketplace.email at %d orders/s, cold start", settings.rate()));
        double e2e50 = PipelineResult.ms(r.endToEnd(), 50);
        double e2e99 = PipelineResult.ms(r.endToEnd(), 99);
        double relay50 = PipelineResult.ms(r.relay(), 50);
        double relay99 = PipelineResult.ms(r.relay(), 99);
        // orders refused or lost are absent from the percentiles and the busy figures: with any, no target is met
        boolean loadComplete = r.loadComplete();
        double busy = r.cpu().machineBusy() * 100;
        result.figure(new Figure("201 → marketplace.email p50, whole run from cold", e2e50, "ms", "", Double.NaN,
                "≤ 50 ms", loadComplete && e2e50 <= 50));
        result.figure(new Figure("201 → marketplace.email p99, whole run from cold", e2e99, "ms", "", Double.NaN,
                "≤ 200 ms", loadComplete && e2e99 <= 200));
        result.figure(new Figure(String.format(Locale.ROOT, "machine busy at %d orders/s (load client included)",
                settings.rate()), busy, "%", "", Double.NaN, "≤ 50 %", loadComplete && busy <= 50));
        double pipelineBusy = r.cpu().pipelineCores() / r.cpu().machineCores() * 100;
        // MariaDB is measured when its process is found on this machine (CpuWindow)
        String processes = String.join(", ", r.cpu().pipelineProcesses().stream()
                .map(name -> name.equals("mariadb") ? "MariaDB" : name).toList());
        result.figure(new Figure("pipeline processes busy, whole run (" + processes + ")",
                pipelineBusy, "%", "", Double.NaN, "≤ 50 %", loadComplete && pipelineBusy <= 50));
        r.settledFrom(SETTLED_FROM_SECOND).ifPresent(later -> {
            double later50 = PipelineResult.ms(later.endToEnd(), 50);
            double later99 = PipelineResult.ms(later.endToEnd(), 99);
            double laterBusy = later.pipelineBusy() * 100;
            result.figure(new Figure("201 → marketplace.email p50, from the first minute on", later50, "ms", "",
                    Double.NaN, "≤ 50 ms", loadComplete && later50 <= 50));
            result.figure(new Figure("201 → marketplace.email p99, from the first minute on", later99, "ms", "",
                    Double.NaN, "≤ 200 ms", loadComplete && later99 <= 200));
            result.figure(new Figure("pipeline processes busy, from the first minute on", laterBusy, "%", "",
                    Double.NaN, "≤ 50 %", loadComplete && laterBusy <= 50));
            double laterRelay50 = PipelineResult.ms(later.relay(), 50);
            double laterRelay99 = PipelineResult.ms(later.relay(), 99);
            result.figure(new Figure("201 → marketplace.order.created p50 (relay), from the first minute on",
                    laterRelay50, "ms", "", Double.NaN, "≤ 2 ms", loadComplete && laterRelay50 <= 2));
            result.figure(new Figure("201 → marketplace.order.created p99 (relay), from the first minute on",
                    laterRelay99, "ms", "", Double.NaN, "≤ 15 ms", loadComplete && laterRelay99 <= 15));
        });
        result.figure(new Figure("201 → marketplace.order.created p50 (relay)", relay50, "ms", "", Double.NaN,
                "≤ 2 ms", loadComplete && relay50 <= 2));
        result.figure(new Figure("201 → marketplace.order.created p99 (relay)", relay99, "ms", "", Double.NaN,
                "≤ 15 ms", loadComplete && relay99 <= 15));
        result.figure(new Figure("CPU per order, pipeline processes", r.cpuMillisPerOrder(), "ms", "", Double.NaN,
                "", null));
        result.details(r.toMarkdown());
        if (env.settings().quick()) {
            result.details("\n**Without the wake-on-commit path:** measured in the full run only.\n");
        } else {
            // in a directory of its own, so the first run's files (JFR included) stay
            PipelineResult polled = PipelineBenchmark.run(settings.withGatewayVariable("OUTBOX_WAKE_ON_COMMIT", "false")
                    .withWorkDir(settings.workDir().resolve("without-wake-on-commit")));
            result.details(withoutWakeOnCommit(r, polled, settings));
            PipelineResult restarted = PipelineBenchmark.run(settings.withServicesRestarted()
                    .withWorkDir(settings.workDir().resolve("services-restarted")));
            result.details(servicesRestarted(r, restarted, settings));
        }
        Map<String, Histogram> curves = new LinkedHashMap<>();
        curves.put("HTTP POST (from due time)", r.http());
        curves.put("201 → marketplace.order.created", r.relay());
        curves.put("201 → marketplace.email", r.endToEnd());
        Charts.percentiles(env.plotFile("pipeline"), "Pipeline at " + settings.rate() + " orders/s, cold start", curves);
        result.plot(env.plotFile("pipeline").getFileName().toString());
        r.memoryMb().forEach((measure, mb) -> result.memory(measure.startsWith("gateway") ? "gateway" : "streams-app",
                measure.substring(measure.indexOf(' ') + 1), mb));
        StringBuilder bound = new StringBuilder(String.format(Locale.ROOT,
                "The machine was %.0f %% busy over the load (%.2f ms of CPU per order across the pipeline, its drain "
                + "after the load included). Cores per "
                + "process and their busiest threads:", busy, r.cpuMillisPerOrder()));
        r.cpu().cores().forEach((name, cores) -> bound.append(String.format(Locale.ROOT, " %s %.2f (%s);", name, cores,
                ThreadCpu.describe(r.cpu().threadCores().get(name)))));
        bound.append(" The relay's sends / recording transactions per 100 orders: ")
                .append(r.relayRounds().per100(r.created())).append('.');
        result.bound(bound.toString());
        return result;
    }

    /**
     * The same run again with {@code OUTBOX_WAKE_ON_COMMIT=false}: the gateway writes its outbox rows
     * unleased and its relay finds them only by its poll ({@code OUTBOX_POLL_INTERVAL}, 1 s).
     */
    private static String withoutWakeOnCommit(PipelineResult woken, PipelineResult polled, PipelineSettings s) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, """

                **With and without the wake-on-commit path.** The same run (%d orders/s for %d s from a cold
                start) a second time with `OUTBOX_WAKE_ON_COMMIT=false`: order transactions write their outbox
                rows unleased and the relay finds them by its poll (`OUTBOX_POLL_INTERVAL`, 1 s by default)
                instead of taking them at commit. Latencies in ms.

                | run | 201 → order.created p50 | p99 | 201 → email p50 | p99 | pipeline CPU per order |
                |---|---|---|---|---|---|
                """, s.rate(), s.seconds()));
        row(out, "wake on commit (default), whole run" + incomplete(woken), woken.relay(), woken.endToEnd(),
                woken.cpuMillisPerOrder());
        row(out, "poll only, whole run" + incomplete(polled), polled.relay(), polled.endToEnd(),
                polled.cpuMillisPerOrder());
        woken.settledFrom(SETTLED_FROM_SECOND).ifPresent(w -> row(out, "wake on commit, from the first minute on",
                w.relay(), w.endToEnd(), Double.NaN));
        polled.settledFrom(SETTLED_FROM_SECOND).ifPresent(p -> row(out, "poll only, from the first minute on",
                p.relay(), p.endToEnd(), Double.NaN));
        return out.toString();
    }

    /**
     * The same run with the services started a second time on the broker and database of a first start
     * ({@link PipelineSettings#servicesRestarted()}): how much of the cold start is the services' own.
     */
    static String servicesRestarted(PipelineResult cold, PipelineResult restarted, PipelineSettings s) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, """

                **Everything cold, and the services restarted on a running broker.** The same load (%d orders/s
                for %d s) on a gateway and a streams app started a second time, on a broker and a database that
                had served a first start of both for %d s of the same load (as a deployment of the services
                meets them; the streams app keeps its state directory). Latencies in ms; "busy" is the
                pipeline's processes over the whole run; "compilers" are the JIT compiler threads of the measured
                JVMs in the first 10 s of load, in cores.

                | run | ready after (s) | 201 → email p50 | p99 | 201 → order.created p50 | p99 | first 10 s: email p50 | compilers | busy |
                |---|---|---|---|---|---|---|---|---|
                """, s.rate(), s.seconds(), PipelineBenchmark.FIRST_START_SECONDS));
        coldOrRestarted(out, "everything started cold (broker, services)" + incomplete(cold), cold);
        coldOrRestarted(out, "services restarted, broker running" + incomplete(restarted), restarted);
        return out.toString();
    }

    /**
     * A run's row name's warning when orders were refused or went missing: they are absent from its
     * percentiles, which then describe only the orders that got through.
     */
    private static String incomplete(PipelineResult r) {
        return r.loadComplete() ? "" : String.format(Locale.ROOT, " (**incomplete**: %d answered other than 201,"
                + " %d missing on order.created, %d on email)", r.answeredOther(), r.lostRelay(), r.lostEndToEnd());
    }

    private static void coldOrRestarted(StringBuilder out, String name, PipelineResult r) {
        PipelineResult.Phase first = r.timeline().isEmpty() ? null : r.timeline().get(0);
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %.0f %% |%n", name,
                r.startup().toMillis() / 1000.0, PipelineResult.ms(r.endToEnd(), 50),
                PipelineResult.ms(r.endToEnd(), 99), PipelineResult.ms(r.relay(), 50), PipelineResult.ms(r.relay(), 99),
                first == null ? "" : String.format(Locale.ROOT, "%.1f", first.p50Ms()),
                first == null || first.cpu() == null ? "" : String.format(Locale.ROOT, "%.2f", first.cpu().jitCores()),
                r.cpu().pipelineCores() / r.cpu().machineCores() * 100));
    }

    private static void row(StringBuilder out, String name, Histogram relay, Histogram endToEnd, double cpuMs) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %s |%n", name,
                PipelineResult.ms(relay, 50), PipelineResult.ms(relay, 99), PipelineResult.ms(endToEnd, 50),
                PipelineResult.ms(endToEnd, 99), Double.isNaN(cpuMs) ? "" : String.format(Locale.ROOT, "%.2f ms", cpuMs)));
    }
}
