package com.marketplace.bench.streams;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.Figure;
import com.marketplace.bench.Scenario;
import com.marketplace.bench.ScenarioResult;
import com.marketplace.bench.ThreadCpu;
import com.marketplace.bench.report.Charts;
import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.KafkaCluster;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.streams.config.StreamsAppConfig;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The streams app's topology flat out ({@link StreamsThroughput} in a JVM of its own against a
 * broker process): events/s and stream-thread CPU per input of the full topology against a
 * pass-through over the same input, with {@code exactly_once_v2} and {@code at_least_once}; then,
 * against a fresh broker, the dedupe store's size after 1,000,000 events (20,000 in a quick run)
 * with 7-day and 1-minute retention. With JFR on ({@code -Dbench.jfr=true}) the report also gives the measured
 * stream threads' CPU per input by part of the work under each guarantee ({@link StreamThreadParts}).
 */
public final class StreamsScenario implements Scenario {

    private static final String EOS = "exactly_once_v2";
    private static final String ALOS = "at_least_once";

    /** The commit interval and producer linger the app sets under {@code guarantee}, as the report states them. */
    static String appSettings(String guarantee) {
        Properties props = StreamsAppConfig.fromEnv(Map.of("PROCESSING_GUARANTEE", guarantee)).toStreamsProperties();
        Object fetchWait = props.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
        return guarantee + ": commit interval " + props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)
                + " ms, producer linger " + props.get(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG))
                + " ms, input fetch wait " + (fetchWait == null ? "none" : fetchWait + " ms");
    }
    /**
     * Rounds per guarantee in a full run ({@code -Dbench.streams.rounds} sets another number). A single run of
     * either side moved by up to half between runs of the same code on one day (full topology 26-38 µs per
     * input, pass-through 2.3-3.2 µs).
     */
    private static final int ROUNDS = 3;

    @Override
    public String name() {
        return "streams";
    }

    @Override
    public ScenarioResult run(BenchEnvironment env) throws Exception {
        Path work = env.workDir(name());
        int records = env.settings().pick(200_000, 10_000);
        int dedupeRecords = env.settings().pick(1_000_000, 20_000);
        int rounds = Integer.getInteger("bench.streams.rounds", env.settings().pick(ROUNDS, 1));
        ScenarioResult result = new ScenarioResult("Streams: full topology vs pass-through; dedupe store size");
        Properties t = child(env, work, "throughput", records, rounds, result);
        Properties d = child(env, work, "dedupe", dedupeRecords, 1, result);
        double fullEos = rate(t, "full." + EOS);
        double passEos = rate(t, "pass." + EOS);
        double cpuEos = Double.parseDouble(t.getProperty("full." + EOS + ".cpuMicros"));
        result.figure(Figure.of("full topology, exactly_once_v2", fullEos, "events/s", "pass-through, exactly_once_v2",
                passEos).against("≥ 20,000 events/s", fullEos >= 20_000));
        result.figure(Figure.of("stream-thread CPU per input, exactly_once_v2", cpuEos, "µs",
                "pass-through, exactly_once_v2", Double.parseDouble(t.getProperty("pass." + EOS + ".cpuMicros")))
                .against("≤ 25 µs", cpuEos <= 25));
        result.figure(Figure.of("full topology, at_least_once", rate(t, "full." + ALOS), "events/s",
                "pass-through, at_least_once", rate(t, "pass." + ALOS)));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "Input: %,d records pre-loaded (10 %% duplicates) as the relay writes them (its headers, its producer "
                + "settings: no compression, batches of up to 128 KiB), measured after "
                + "one warm-up run of the full topology, "
                + "in %d rounds per guarantee: a full run and a pass-through run back to back in each, each run timed "
                + "from the instance's RUNNING (tasks assigned, stores open) to its group's commit of the input's "
                + "end (the at_least_once rates to the last input's processing: its outputs are there once sent, "
                + "and its commit comes up to a second later). Each guarantee runs with the app's settings for it (%s; %s). "
                + "The figures are medians over the rounds; the range is the rounds' lowest and highest.%n%n",
                records, rounds, appSettings(EOS), appSettings(ALOS)));
        table.append("| topology | guarantee | events/s (range) | stream-thread CPU µs per input (range) |\n|---|---|---|---|\n");
        List<String> topologies = t.getProperty("variant") == null ? List.of("full", "pass")
                : List.of("full", "variant", "pass");
        for (String g : List.of(EOS, ALOS)) {
            for (String topo : topologies) {
                String key = topo + "." + g;
                String name = switch (topo) {
                    case "full" -> "full topology";
                    case "variant" -> "full topology, " + t.getProperty("variant");
                    default -> "pass-through";
                };
                table.append(String.format(Locale.ROOT, "| %s | %s | %s (%s) | %s (%s) |%n", name, g,
                        Figure.format(rate(t, key)), range(t, key, "rate", rounds), t.getProperty(key + ".cpuMicros"),
                        range(t, key, "cpuMicros", rounds)));
            }
        }
        long week = Long.parseLong(d.getProperty("dedupe.PT168H.entries", "-1"));
        long minute = Long.parseLong(d.getProperty("dedupe.PT1M.entries", "-1"));
        table.append(String.format(Locale.ROOT, "%n| dedupe store after %,d events (one per 10 ms of event time) | entries | "
                + "events/s |%n|---|---|---|%n| retention 7 days | %,d | %s |%n| retention 1 minute | %,d | %s |%n",
                dedupeRecords, week, Figure.format(rate(d, "dedupe.PT168H")), minute, Figure.format(rate(d, "dedupe.PT1M"))));
        result.details(table.toString());
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        for (String topo : List.of("full", "pass")) {
            Map<String, Double> byGuarantee = new LinkedHashMap<>();
            for (String g : List.of(EOS, ALOS)) {
                byGuarantee.put(g, rate(t, topo + "." + g));
            }
            bars.put(topo.equals("full") ? "full topology" : "pass-through", byGuarantee);
        }
        Charts.bars(env.plotFile("streams"), "Streams app, events/s flat out", "events/s", bars);
        result.plot(env.plotFile("streams").getFileName().toString());
        Path recording = work.resolve("throughput").resolve("streams-throughput.jfr");
        if (Files.exists(recording)) {
            Map<String, Double> cpuPerInput = new LinkedHashMap<>();
            cpuPerInput.put(EOS, cpuEos);
            cpuPerInput.put(ALOS, Double.parseDouble(t.getProperty("full." + ALOS + ".cpuMicros")));
            result.profile(StreamThreadParts.read(recording).toMarkdown(cpuPerInput));
        }
        return result;
    }

    /** The lowest and highest of {@code key}'s {@code measure} over the rounds, e.g. {@code 17,863–21,285}. */
    private static String range(Properties p, String key, String measure, int rounds) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int round = 1; round <= rounds; round++) {
            double value = Double.parseDouble(p.getProperty(key + "." + round + "." + measure, "NaN"));
            low = Math.min(low, value);
            high = Math.max(high, value);
        }
        return measure.equals("rate") ? Figure.format(low) + "–" + Figure.format(high)
                : String.format(Locale.ROOT, "%.2f–%.2f", low, high);
    }

    private static double rate(Properties p, String key) {
        return Double.parseDouble(p.getProperty(key + ".rate", "NaN"));
    }

    private static Properties child(BenchEnvironment env, Path work, String mode, int records, int rounds,
                                    ScenarioResult result) throws Exception {
        Path dir = work.resolve(mode);
        Files.createDirectories(dir);
        Path resultFile = dir.resolve("result.properties");
        try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 1, Map.of(), env.jvmOptions(dir, "kafka"))) {
            List<String> options = new java.util.ArrayList<>(env.jvmOptions(dir, "streams-" + mode));
            ManagedProcess p = ManagedProcess.start("streams-" + mode, JavaCommand.mainClass(
                    StreamsThroughput.class.getName(), options, mode, kafka.bootstrapServers(), Integer.toString(records),
                    resultFile.toAbsolutePath().toString(), Integer.toString(rounds)), Map.of(), dir.resolve("streams.log"));
            ThreadCpu broker = ThreadCpu.begin(kafka.node(1).pid());
            if (!p.awaitExit(Duration.ofMinutes(15)) || p.exitValue() != 0 || !Files.exists(resultFile)) {
                p.close();
                throw new IllegalStateException("streams " + mode + " run failed; see " + p.logFile());
            }
            Properties r = new Properties();
            try (Reader in = Files.newBufferedReader(resultFile)) {
                r.load(in);
            }
            result.memory("streams JVM (" + mode + ")", "RSS", Double.parseDouble(r.getProperty("rss.mb", "NaN")));
            result.memory("streams JVM (" + mode + ")", "heap in use", Double.parseDouble(r.getProperty("heap.mb", "NaN")));
            if (mode.equals("throughput")) {
                result.bound(String.format(Locale.ROOT, "The stream thread's CPU per input (table) against the "
                        + "pass-through's is the topology's own work; over the whole throughput run (loading, warm-up "
                        + "and %d measured runs) the broker used %.2f cores of the 2.",
                        (r.getProperty("variant") == null ? 4 : 6) * rounds, broker.cores()));
            }
            return r;
        }
    }
}
