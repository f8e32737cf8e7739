package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.OrderClient;
import com.marketplace.faults.Resender;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Sql;
import com.marketplace.faults.Stack;
import com.marketplace.faults.StatsCheck;
import com.marketplace.faults.TopicRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 12 (its dedupe half): the dedupe store stays bounded. The streams app runs with
 * {@code DEDUPE_RETENTION} compressed to 20 s for about ten retention periods under a steady load of
 * orders walking through their statuses, while every tenth event is published once more, unchanged,
 * half a retention after the original's timestamp (as an at-least-once relay re-sends a row); a copy
 * that cannot go out within three quarters of a retention is skipped, so every copy sent is one the
 * store must still know.
 *
 * <p>The store's key count is RocksDB's {@code estimate-num-keys} of {@code dedupe-store}, which the
 * app exports on {@code /metrics} with the rest of Kafka Streams' metrics, sampled every 2 s. Kafka
 * Streams drops a window store's expired entries a whole segment at a time, segments being
 * {@code max(retention / 2, 60 s)} long, so the store holds between one retention and one retention
 * plus one segment of eventIds. The check: no sample may exceed the number of events committed in
 * the {@link #window} before it (plus a small margin), and the run must be long enough that a store
 * keeping every eventId would have broken that bound. No copy may pass the dedupe (no duplicate on
 * the output topics, and {@code dedupe_dropped_events_total} counts every copy), and the served
 * statistics must equal those recomputed from the database.
 */
public final class DedupeStorePlateau implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(DedupeStorePlateau.class);

    private static final Duration RETENTION = Duration.ofSeconds(20);
    /** Kafka Streams' segment interval of a persistent window store of this retention. */
    private static final Duration SEGMENT = Duration.ofMillis(Math.max(RETENTION.toMillis() / 2, 60_000));
    /** Stream time may trail the wall clock by the pipeline's latency: this much is allowed for it. */
    private static final Duration LAG = Duration.ofSeconds(5);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);
    private static final int WORKERS = 2;
    private static final double PER_WORKER_RATE = 10;
    private static final int RESEND_EVERY = 10;
    private static final String KEYS_METRIC = "kafka_stream_state_estimate_num_keys";
    private static final String DEDUPE_STORE_LABEL = "state_id=\"dedupe-store\"";
    /** A sample may exceed the events of its window by this fraction plus {@link #SLACK} (an estimate, after all). */
    private static final double MARGIN = 0.10;
    private static final long SLACK = 50;
    /** Samples that an unbounded store would have failed; fewer and the run proves nothing. */
    private static final int DISCRIMINATING_SAMPLES = 5;

    /** One sample: when, the store's key count (NaN while not exported), events committed so far. */
    record Sample(long atNanos, double keys, long events) {
    }

    @Override
    public String name() {
        return "dedupe-store-plateau";
    }

    @Override
    public boolean quick() {
        return false;
    }

    /** The longest span whose eventIds the store may hold: retention, one segment, and the lag. */
    static Duration window() {
        return RETENTION.plus(SEGMENT).plus(LAG);
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Duration length = RETENTION.multipliedBy(stack.scale().pick(6, 10));
        Checks checks = new Checks(name());
        Stack.Pipeline pipeline = stack.readyPipeline(1, Map.of("DEDUPE_RETENTION", RETENTION.toString()));
        JarService gateway = pipeline.gateway();
        JarService streams = pipeline.streams();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED,
                Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS));
        List<Sample> samples = new CopyOnWriteArrayList<>();
        try (Resender resender = new Resender(stack.kafka().bootstrapServers(), recorder, RESEND_EVERY,
                RETENTION.dividedBy(2), RETENTION.multipliedBy(3).dividedBy(4))) {
            OrderClient client = new OrderClient(gateway.uri("/"));
            Thread sampler = new Thread(() -> sample(stack, streams, samples), "dedupe-sampler");
            sampler.start();
            try {
                Load.run(WORKERS, length, Load.paced(PER_WORKER_RATE, (worker, i) -> {
                    StreamsKill.createAndWalk(client, worker * 1_000_000L + i);
                    return true;
                }));
            } finally {
                sampler.interrupt();
                sampler.join(10_000);
            }
            resender.drain(RETENTION);
            checkDelivery(stack, streams, recorder, resender, checks);
        }
        checkPlateau(samples, checks);
        return checks.result(Audit.figures(stack, recorder, true), null);
    }

    private static void sample(Stack stack, JarService streams, List<Sample> samples) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long at = System.nanoTime();
                long events = Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events");
                samples.add(new Sample(at, Load.metric(streams, KEYS_METRIC, DEDUPE_STORE_LABEL), events));
                Thread.sleep(SAMPLE_EVERY.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.sql.SQLException e) {
            log.error("Sampling stopped", e);
        }
    }

    /** Every event and its outputs delivered, every copy dropped, the statistics right. */
    private static void checkDelivery(Stack stack, JarService streams, TopicRecorder recorder, Resender resender,
            Checks checks) throws Exception {
        boolean delivered = Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(120));
        checks.check(delivered, "not every event and its outputs delivered within 120 s after the load");
        long resent = resender.resent();
        double[] dropped = {Double.NaN};
        boolean counted = Audit.Wait.until(Duration.ofSeconds(60), Duration.ofMillis(500), () -> {
            dropped[0] = Load.metric(streams, "dedupe_dropped_events_total");
            return dropped[0] >= resent;
        });
        checks.check(resent > 0 && resender.failed() == 0, resent + " copies published, " + resender.failed()
                + " refused by the broker");
        checks.check(counted, "dedupe_dropped_events_total is " + dropped[0] + ", fewer than the " + resent
                + " copies published within the retention");
        List<String> diffs = StatsCheck.awaitAgreement(stack, streams, Duration.ofSeconds(60));
        checks.check(diffs.isEmpty(), "served statistics differ from the database: " + StatsCheck.summary(diffs));
        Map<String, Duration> ages = resender.ages();
        Duration oldest = ages.values().stream().max(Duration::compareTo).orElse(null);
        checks.note("%d events published a second time, %s to %s after the original (%d skipped as too late); "
                + "%.0f dropped as duplicates", resent, Checks.seconds(ages.values().stream().min(Duration::compareTo)
                .orElse(null)), Checks.seconds(oldest), resender.late(), dropped[0]);
        List<String> passed = recorder.on(Topics.EMAIL).stream()
                .collect(Collectors.groupingBy(TopicRecorder.Seen::id, Collectors.counting())).entrySet().stream()
                .filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        Map<String, String> sourceOf = recorder.on(Topics.EMAIL).stream().collect(Collectors.toMap(
                TopicRecorder.Seen::id, TopicRecorder.Seen::sourceEventId, (a, b) -> a));
        passed.stream().limit(5).forEach(email -> checks.note("copy passed the dedupe: event %s, copy %s after the original",
                sourceOf.get(email), Checks.seconds(ages.get(sourceOf.get(email)))));
    }

    /**
     * Each sample at least one {@link #window} into the run holds no more keys than events committed
     * in the window before it (with the margin), and enough samples would have failed had the store
     * kept every eventId.
     */
    static void checkPlateau(List<Sample> samples, Checks checks) {
        List<Sample> measured = samples.stream().filter(s -> !Double.isNaN(s.keys())).toList();
        checks.check(!measured.isEmpty(), KEYS_METRIC + " of dedupe-store never exported on /metrics");
        if (samples.isEmpty() || measured.isEmpty()) {
            return;
        }
        long start = samples.get(0).atNanos();
        long window = window().toNanos();
        int bounded = 0;
        int discriminating = 0;
        List<String> over = new ArrayList<>();
        double peak = 0;
        long boundAtPeak = 0;
        for (Sample s : measured) {
            if (s.atNanos() - start < window) {
                continue;
            }
            Sample before = latestAtOrBefore(samples, s.atNanos() - window);
            long inWindow = s.events() - before.events();
            double allowed = inWindow * (1 + MARGIN) + SLACK;
            bounded++;
            if (s.events() > allowed) {
                discriminating++;
            }
            if (s.keys() > allowed) {
                over.add(String.format("%.0f keys at %s with %d events in the window", s.keys(),
                        Checks.seconds(Duration.ofNanos(s.atNanos() - start)), inWindow));
            }
            if (s.keys() > peak) {
                peak = s.keys();
                boundAtPeak = inWindow;
            }
        }
        checks.check(over.isEmpty(), "dedupe-store above the events of the last " + Checks.seconds(window())
                + ": " + over.subList(0, Math.min(3, over.size())));
        checks.check(discriminating >= DISCRIMINATING_SAMPLES, "run too short to tell a plateau from growth: only "
                + discriminating + " samples where a store keeping every eventId would exceed the bound");
        Sample last = samples.get(samples.size() - 1);
        double seconds = (last.atNanos() - start) / 1e9;
        checks.note("dedupe-store keys, peak per %s: %s; peak %.0f with %d events in the %s before it "
                + "(%d events in %.0f s, %.0f/s; DEDUPE_RETENTION %s, segments of %s)", Checks.seconds(SEGMENT),
                peaksPer(measured, start, SEGMENT), peak, boundAtPeak, Checks.seconds(window()), last.events(),
                seconds, last.events() / seconds, RETENTION, Checks.seconds(SEGMENT));
        checks.note("%d samples checked against the bound, %d of them above what the store would hold without expiry",
                bounded, discriminating);
    }

    private static Sample latestAtOrBefore(List<Sample> samples, long atNanos) {
        Sample found = samples.get(0);
        for (Sample s : samples) {
            if (s.atNanos() <= atNanos) {
                found = s;
            }
        }
        return found;
    }

    private static List<Long> peaksPer(List<Sample> measured, long start, Duration period) {
        List<Long> peaks = new ArrayList<>();
        for (Sample s : measured) {
            int bucket = (int) ((s.atNanos() - start) / period.toNanos());
            while (peaks.size() <= bucket) {
                peaks.add(0L);
            }
            peaks.set(bucket, Math.max(peaks.get(bucket), (long) s.keys()));
        }
        return peaks;
    }
}
