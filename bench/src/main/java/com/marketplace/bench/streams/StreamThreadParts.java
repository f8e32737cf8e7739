package com.marketplace.bench.streams;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the stream thread's CPU goes in the streams scenario's measured runs of the full topology,
 * under each guarantee: the JFR execution samples of the stream threads of the runs
 * {@code bench-full-<guarantee>-<round>} in the throughput JVM's recording (not their producers' I/O
 * threads, whose names also carry the stream thread's), each given to the part of the work its
 * innermost recognised frame belongs to: a sample in a {@code HashMap} the record cache called is the
 * record cache's, one in the producer that a cache flush called is the producer's, and one anywhere under
 * the envelope's decoder is the input's decoding (its JSON reads included). The shares are scaled to µs
 * per input by the guarantee's measured stream-thread CPU per input, so the parts of a guarantee add up
 * to its figure in the table above them.
 */
final class StreamThreadParts {

    /** The parts, each with the frames (class and method names) that mark it. */
    enum Part {
        DECODING("the input's decoding (envelope and payload, `EventCodec`)",
                "^com\\.marketplace\\.events\\.EventCodec\\.decodeEnvelope$"),
        JSON_WRITES("JSON writes of outputs and values (Jackson)", "^com\\.fasterxml\\.jackson\\."),
        STATE_SERDES("the stores' keys and values (the project's serdes)", "^com\\.marketplace\\.streams\\.serde\\."),
        ROCKSDB("RocksDB", "^org\\.rocksdb\\.|\\.RocksDB[A-Za-z]*\\."),
        RECORD_CACHE("the record cache (its look-ups, puts and flushes)",
                "^org\\.apache\\.kafka\\.streams\\.state\\.internals\\.(NamedCache|ThreadCache)\\."),
        PRODUCER("the producer (sends, batches, transactions)",
                "^org\\.apache\\.kafka\\.clients\\.producer\\.|^org\\.apache\\.kafka\\.common\\.record\\."),
        CONSUMER("the consumer (polls, fetched records)", "^org\\.apache\\.kafka\\.clients\\.(consumer|Network|Fetch)"),
        METRICS("Kafka's metrics (sensors)",
                "^org\\.apache\\.kafka\\.common\\.metrics\\.|\\.metrics\\.StreamsMetricsImpl\\."),
        PROJECT("the project's processors (their own code)", "^com\\.marketplace\\."),
        STREAMS("Kafka Streams (forwarding, records, the stores' layers, commits)",
                "^org\\.apache\\.kafka\\.streams\\."),
        OTHER("the JDK alone (no frame above names a part)", null);

        private final String label;
        private final Pattern frames;

        Part(String label, String frames) {
            this.label = label;
            this.frames = frames == null ? null : Pattern.compile(frames);
        }

        String label() {
            return label;
        }

        boolean marks(String frame) {
            return frames != null && frames.matcher(frame).find();
        }
    }

    /** A measured full-topology run's stream thread: {@code bench-full-exactly-once-v2-2-<uuid>-StreamThread-1}. */
    private static final Pattern FULL_RUN_STREAM_THREAD =
            Pattern.compile("^bench-full-(exactly-once-v2|at-least-once)-\\d+-.*-StreamThread-\\d+$");
    private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";

    /** Samples by guarantee (as the app's setting: {@code exactly_once_v2}) and part. */
    private final Map<String, Map<Part, Long>> samples = new TreeMap<>();

    /** Counts the samples of one recording of the scenario's throughput JVM. */
    static StreamThreadParts read(Path recording) throws IOException {
        StreamThreadParts parts = new StreamThreadParts();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals(EXECUTION_SAMPLE) || event.getStackTrace() == null) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                if (thread == null || thread.getJavaName() == null) {
                    continue;
                }
                List<String> frames = new ArrayList<>();
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                }
                parts.add(thread.getJavaName(), frames);
            }
        }
        return parts;
    }

    /** Counts a sample of {@code thread} whose stack is {@code frames}, innermost first; other threads are left out. */
    void add(String thread, List<String> frames) {
        Matcher run = FULL_RUN_STREAM_THREAD.matcher(thread);
        if (run.matches()) {
            samples.computeIfAbsent(run.group(1).replace('-', '_'), g -> new EnumMap<>(Part.class))
                    .merge(partOf(frames), 1L, Long::sum);
        }
    }

    /** Everything under the envelope's decoder is decoding; any other sample goes by its innermost recognised frame. */
    static Part partOf(List<String> frames) {
        if (frames.stream().anyMatch(Part.DECODING::marks)) {
            return Part.DECODING;
        }
        for (String frame : frames) {
            for (Part part : Part.values()) {
                if (part.marks(frame)) {
                    return part;
                }
            }
        }
        return Part.OTHER;
    }

    /** Samples of {@code guarantee}'s stream threads, all parts. */
    long samples(String guarantee) {
        return samples.getOrDefault(guarantee, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** {@code part}'s share of {@code guarantee}'s samples times its stream-thread CPU per input. */
    double micros(String guarantee, Part part, double cpuMicrosPerInput) {
        long all = samples(guarantee);
        return all == 0 ? Double.NaN : cpuMicrosPerInput * samples.get(guarantee).getOrDefault(part, 0L) / all;
    }

    /**
     * A table of the parts in µs per input under each guarantee of {@code cpuMicrosPerInput} (the guarantee's
     * measured stream-thread CPU per input), in the map's order, the parts largest first under the first
     * guarantee, with the difference of the first two; empty when the recording holds no sample of a measured run.
     */
    String toMarkdown(Map<String, Double> cpuMicrosPerInput) {
        List<String> guarantees = cpuMicrosPerInput.keySet().stream().filter(g -> samples(g) > 0).toList();
        if (guarantees.isEmpty()) {
            return "";
        }
        boolean difference = guarantees.size() >= 2;
        StringBuilder out = new StringBuilder("Where the stream thread's CPU goes in the measured full-topology runs: "
                + "its JFR execution samples, each given to the part of the work its innermost recognised frame belongs "
                + "to, scaled to µs per input by each guarantee's figure above (JFR on makes every part dearer).\n\n"
                + "| part |");
        guarantees.forEach(g -> out.append(' ').append(g).append(", µs per input |"));
        out.append(difference ? " difference |\n|---|" : "\n|---|").append("---:|".repeat(guarantees.size()))
                .append(difference ? "---:|\n" : "\n");
        String first = guarantees.get(0);
        List<Part> parts = new ArrayList<>(List.of(Part.values()));
        parts.sort((a, b) -> Double.compare(micros(first, b, 1), micros(first, a, 1)));
        for (Part part : parts) {
            out.append("| ").append(part.label()).append(" |");
            guarantees.forEach(g -> out.append(
                    String.format(Locale.ROOT, " %.2f |", micros(g, part, cpuMicrosPerInput.get(g)))));
            if (difference) {
                String second = guarantees.get(1);
                out.append(String.format(Locale.ROOT, " %+.2f |", micros(first, part, cpuMicrosPerInput.get(first))
                        - micros(second, part, cpuMicrosPerInput.get(second))));
            }
            out.append('\n');
        }
        out.append("| samples (all rounds) |");
        guarantees.forEach(g -> out.append(String.format(Locale.ROOT, " %,d |", samples(g))));
        return out.append(difference ? " |\n" : "\n").append('\n').toString();
    }
}
