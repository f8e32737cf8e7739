package com.marketplace.bench.pipeline;

import com.marketplace.bench.gateway.RelayRounds;
import com.marketplace.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one pipeline run measured. Latencies in microseconds: {@code http} from the moment a
 * request was due to its answer; {@code relay} from the 201 to the order's record on
 * {@code marketplace.order.created}; {@code endToEnd} from the 201 to its record on
 * {@code marketplace.email} (a record seen before the client read the 201 counts as 0). {@code memoryMb}:
 * heap in use and resident set of the gateway and the streams app at the end of the load, in MiB.
 * {@code clientLate}: how long after its due time the client sent each request (its own lag, already
 * inside {@code http}); {@code answeredSeconds}: from the first due time to the last answer;
 * {@code relayRounds}: the gateway relay's sends and recording transactions in the window;
 * {@code kafkaRequests}: the Kafka requests of the relay and the streams app in the window; {@code cpu}:
 * the processes' CPU over the load; {@code drained}: the same from the load's start until every order
 * was on {@code marketplace.email}, null when some never came.
 */
public record PipelineResult(PipelineSettings settings, Duration startup, int sent, int created, int answeredOther,
        int lostRelay, int lostEndToEnd, Histogram http, Histogram relay, Histogram endToEnd, Histogram clientLate,
        double answeredSeconds, List<Phase> timeline, CpuWindow.Usage cpu, CpuWindow.Usage drained,
        Map<String, Double> memoryMb, RelayRounds relayRounds, KafkaRequests kafkaRequests) {

    /** End-to-end percentiles of the orders due within one period of the run. */
    public record Phase(int fromSecond, int toSecond, long orders, double p50Ms, double p99Ms, double maxMs,
            double relayP50Ms, double relayP99Ms, CpuWindow.Usage cpu, Histogram endToEnd, Histogram relay) {
    }

    /**
     * The run from {@code fromSecond} of the load on: end-to-end and relay latencies of the orders
     * due from then on, and the cores the pipeline's processes (load client excluded) used on
     * average over those periods.
     */
    public record Settled(Histogram endToEnd, Histogram relay, double pipelineCores, int machineCores) {

        /** Share of the machine's cores the pipeline's processes used (0..1). */
        public double pipelineBusy() {
            return pipelineCores / machineCores;
        }
    }

    static final int PHASE_SECONDS = 10;

    static PipelineResult of(PipelineSettings s, Duration startup, long startNanos, List<OpenLoopOrders.Sent> sent,
            RecordArrivals arrivals, CpuWindow.Usage cpu, CpuWindow.Usage drained, List<CpuWindow.Usage> cpuTimeline,
            Map<String, Double> memoryMb, RelayRounds relayRounds, KafkaRequests kafkaRequests) {
        Histogram http = PipelineBenchmark.newHistogram();
        Histogram relay = PipelineBenchmark.newHistogram();
        Histogram endToEnd = PipelineBenchmark.newHistogram();
        int phases = (s.seconds() + PHASE_SECONDS - 1) / PHASE_SECONDS;
        List<Histogram> perPhase = new ArrayList<>();
        List<Histogram> relayPerPhase = new ArrayList<>();
        for (int i = 0; i < phases; i++) {
            perPhase.add(PipelineBenchmark.newHistogram());
            relayPerPhase.add(PipelineBenchmark.newHistogram());
        }
        Histogram clientLate = PipelineBenchmark.newHistogram();
        long lastAnswer = startNanos;
        int created = 0;
        int other = 0;
        int lostRelay = 0;
        int lostEndToEnd = 0;
        for (OpenLoopOrders.Sent one : sent) {
            http.recordValue(micros(one.answeredNanos() - one.dueNanos()));
            clientLate.recordValue(micros(one.sentNanos() - one.dueNanos()));
            lastAnswer = Math.max(lastAnswer, one.answeredNanos());
            if (!one.created()) {
                other++;
                continue;
            }
            created++;
            Long onCreated = arrivals.seen(Topics.ORDER_CREATED, one.orderId());
            Long onEmail = arrivals.seen(Topics.EMAIL, one.orderId());
            int phase = Math.max(0, (int) Math.min(phases - 1,
                    TimeUnit.NANOSECONDS.toSeconds(one.dueNanos() - startNanos) / PHASE_SECONDS));
            if (onCreated == null) {
                lostRelay++;
            } else {
                relay.recordValue(micros(onCreated - one.answeredNanos()));
                relayPerPhase.get(phase).recordValue(micros(onCreated - one.answeredNanos()));
            }
            if (onEmail == null) {
                lostEndToEnd++;
            } else {
                long latency = micros(onEmail - one.answeredNanos());
                endToEnd.recordValue(latency);
                perPhase.get(phase).recordValue(latency);
            }
        }
        List<Phase> timeline = new ArrayList<>();
        for (int i = 0; i < phases; i++) {
            Histogram h = perPhase.get(i);
            timeline.add(new Phase(i * PHASE_SECONDS, Math.min(s.seconds(), (i + 1) * PHASE_SECONDS), h.getTotalCount(),
                    ms(h, 50), ms(h, 99), h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0,
                    ms(relayPerPhase.get(i), 50),
                    ms(relayPerPhase.get(i), 99), i < cpuTimeline.size() ? cpuTimeline.get(i) : null, h,
                    relayPerPhase.get(i)));
        }
        return new PipelineResult(s, startup, sent.size(), created, other, lostRelay, lostEndToEnd, http, relay,
                endToEnd, clientLate, (lastAnswer - startNanos) / 1e9, timeline, cpu, drained, memoryMb, relayRounds,
                kafkaRequests);
    }

    /**
     * The periods from {@code fromSecond} on (a multiple of {@value #PHASE_SECONDS}), or empty when
     * the load was not longer than that or no period from then on has a CPU reading.
     */
    public Optional<Settled> settledFrom(int fromSecond) {
        List<Phase> later = timeline.stream().filter(p -> p.fromSecond() >= fromSecond).toList();
        List<CpuWindow.Usage> readings = later.stream().map(Phase::cpu).filter(Objects::nonNull).toList();
        if (readings.isEmpty()) {
            return Optional.empty();
        }
        Histogram endToEndLater = PipelineBenchmark.newHistogram();
        Histogram relayLater = PipelineBenchmark.newHistogram();
        later.forEach(p -> {
            endToEndLater.add(p.endToEnd());
            relayLater.add(p.relay());
        });
        double wall = readings.stream().mapToDouble(CpuWindow.Usage::wallSeconds).sum();
        double pipelineCores = readings.stream().mapToDouble(u -> u.pipelineCores() * u.wallSeconds()).sum() / wall;
        return Optional.of(new Settled(endToEndLater, relayLater, pipelineCores, readings.get(0).machineCores()));
    }

    /** This result with {@code memory} (MiB by measure) as its memory readings. */
    public PipelineResult withMemory(Map<String, Double> memory) {
        return new PipelineResult(settings, startup, sent, created, answeredOther, lostRelay, lostEndToEnd, http, relay,
                endToEnd, clientLate, answeredSeconds, timeline, cpu, drained,
                Collections.unmodifiableMap(new LinkedHashMap<>(memory)), relayRounds, kafkaRequests);
    }

    private static long micros(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * Orders created (201) per second of the load: over its planned length, or up to the last
     * answer when answers came later than that, so a pipeline that falls behind shows a lower rate.
     */
    public double achievedRate() {
        return created / Math.max(settings.seconds(), answeredSeconds);
    }

    /**
     * CPU milliseconds the pipeline's processes (not the load client) spent per created order, from the
     * load's start until every order was on {@code marketplace.email} ({@code drained}): a backlog worked
     * off after the load is its orders' work too. NaN when some order never came.
     */
    public double cpuMillisPerOrder() {
        if (created == 0 || drained == null) {
            return Double.NaN;
        }
        return drained.pipelineCores() * drained.wallSeconds() * 1000 / created;
    }

    /** Whether every order was created and reached both topics: otherwise its percentiles leave some out. */
    public boolean loadComplete() {
        return created > 0 && answeredOther == 0 && lostRelay == 0 && lostEndToEnd == 0;
    }

    public String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Pipeline at %d orders/s for %d s, %s%n%n", settings.rate(),
                settings.seconds(), settings.servicesRestarted()
                        ? String.format(Locale.ROOT, "services restarted on a running broker (ready %.1f s after they"
                                + " were started)", startup.toMillis() / 1000.0)
                        : String.format(Locale.ROOT, "cold start (ready %.1f s after the broker started)",
                                startup.toMillis() / 1000.0)));
        out.append(String.format(Locale.ROOT, "orders sent %d, 201 %d, other answers %d, missing on order.created %d, missing on email %d%n%n",
                sent, created, answeredOther, lostRelay, lostEndToEnd));
        out.append("| latency (ms) | p50 | p90 | p99 | p99.9 | max |\n|---|---|---|---|---|---|\n");
        row(out, "HTTP POST (from due time)", http);
        row(out, "201 → marketplace.order.created", relay);
        row(out, "201 → marketplace.email", endToEnd);
        out.append("\n| period (s) | orders | 201 → email p50 | p99 | max | 201 → created p50 | p99 | machine busy | cores: ");
        out.append(String.join(" / ", cpu.cores().keySet()));
        out.append(" | of which JIT compiler threads |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Phase p : timeline) {
            out.append(String.format(Locale.ROOT, "| %d–%d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |%n",
                    p.fromSecond(), p.toSecond(), p.orders(), p.p50Ms(), p.p99Ms(), p.maxMs(), p.relayP50Ms(), p.relayP99Ms(),
                    p.cpu() == null ? "" : String.format(Locale.ROOT, "%.0f %%", p.cpu().machineBusy() * 100),
                    p.cpu() == null ? "" : cores(p.cpu()),
                    p.cpu() == null ? "" : String.format(Locale.ROOT, "%.2f", p.cpu().jitCores())));
        }
        out.append(String.format(Locale.ROOT, "%n| process | cores used | busiest threads (cores) |%n|---|---|---|%n"));
        cpu.cores().forEach((name, cores) -> out.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", name, cores,
                threads(cpu.threadCores().get(name)))));
        out.append(String.format(Locale.ROOT, "%nmachine busy %.0f %% of %d cores; pipeline processes %.2f cores; "
                + "%.2f ms CPU per order (the backlog's drain after the load included)%n", cpu.machineBusy() * 100,
                cpu.machineCores(), cpu.pipelineCores(), cpuMillisPerOrder()));
        out.append(String.format(Locale.ROOT, "%nKafka requests per 100 orders (the whole load, backlog included): %s.%n",
                kafkaRequests.per100(created)));
        return out.toString();
    }

    static String cores(CpuWindow.Usage usage) {
        StringBuilder s = new StringBuilder();
        usage.cores().values().forEach(c -> s.append(s.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.2f", c)));
        return s.toString();
    }

    private static String threads(Map<String, Double> threads) {
        StringBuilder s = new StringBuilder();
        threads.forEach((name, cores) -> {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", name, cores));
        });
        return s.toString();
    }

    private static void row(StringBuilder out, String name, Histogram h) {
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f |%n", name, ms(h, 50), ms(h, 90),
                ms(h, 99), ms(h, 99.9), h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0));
    }
}
