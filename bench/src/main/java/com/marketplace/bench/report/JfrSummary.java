package com.marketplace.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short CPU profile of one JVM from its JFR recording, read with the JDK's own
 * {@code jdk.jfr.consumer} API: its {@code jdk.ExecutionSample} events (the stack of a thread that
 * runs Java code, taken every 10 ms under the {@code profile} settings) counted by thread group
 * (the thread's name without its trailing number, id or client id), by top frame (self) and, for
 * the project's own methods (classes under {@value #OWN_CODE}), anywhere on the stack (inclusive,
 * once per sample however often the method is on it). The whole recording is counted, start-up
 * and warm-up included.
 */
public final class JfrSummary {

    static final String OWN_CODE = "com.marketplace.";
    private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
    private static final int TOP = 10;
    private static final Pattern UUID = Pattern.compile("-?\\p{XDigit}{8}(-\\p{XDigit}{4}){3}-\\p{XDigit}{12}");
    private static final Pattern TRAILING_ID =
            Pattern.compile("([-_#.\\s]*\\d+|[-_]+(?=\\p{XDigit}*\\d)\\p{XDigit}{6,})+$");
    private static final Pattern LAMBDA_ADDRESS = Pattern.compile("(\\$\\$Lambda\\$\\d+)[+/].*$");
    private static final Logger log = LoggerFactory.getLogger(JfrSummary.class);

    private final String process;
    private long samples;
    private final Map<String, Long> threadGroups = new HashMap<>();
    private final Map<String, Long> selfMethods = new HashMap<>();
    private final Map<String, Long> ownMethods = new HashMap<>();

    private JfrSummary(String process) {
        this.process = process;
    }

    /**
     * Counts the execution samples of one recording.
     *
     * @throws IOException when the file cannot be read or is not a complete recording
     */
    public static JfrSummary read(String process, Path file) throws IOException {
        JfrSummary summary = new JfrSummary(process);
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (event.getEventType().getName().equals(EXECUTION_SAMPLE)) {
                    summary.add(event);
                }
            }
        }
        return summary;
    }

    /**
     * The Markdown summary of every {@code .jfr} file under {@code dir} (a scenario's work directory),
     * one table per process named by the file's path under {@code dir} without {@code .jfr}; empty when
     * there is none (the run was not asked for JFR). A file that cannot be read gets a line that says so.
     */
    public static String ofDirectory(Path dir) {
        List<Path> files;
        try (Stream<Path> paths = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
            files = paths.filter(p -> p.toString().endsWith(".jfr")).sorted().toList();
        } catch (IOException e) {
            log.warn("Cannot list the JFR files under {}", dir, e);
            return "The JFR files under `" + dir + "` could not be listed: `" + e + "`.\n";
        }
        StringBuilder out = new StringBuilder();
        for (Path file : files) {
            String name = dir.relativize(file).toString().replaceFirst("\\.jfr$", "");
            try {
                out.append(read(name, file).toMarkdown()).append('\n');
            } catch (IOException e) {
                log.warn("Cannot read the JFR file {}", file, e);
                out.append("`").append(file).append("` could not be read: `").append(e).append("`.\n\n");
            }
        }
        return out.isEmpty() ? "" : "Execution samples of each JVM over its whole life (start-up included; the files "
                + "are in `" + dir + "`): by thread group, by top frame (self), and the project's own methods ("
                + OWN_CODE + "…) anywhere on the stack (inclusive); % of the JVM's samples.\n\n" + out;
    }

    private void add(RecordedEvent event) {
        samples++;
        RecordedThread thread = event.getThread("sampledThread");
        String threadName = thread == null ? "?" : thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
        threadGroups.merge(threadGroup(threadName), 1L, Long::sum);
        if (event.getStackTrace() == null || event.getStackTrace().getFrames().isEmpty()) {
            return;
        }
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        selfMethods.merge(method(frames.get(0).getMethod()), 1L, Long::sum);
        frames.stream().map(f -> method(f.getMethod())).filter(m -> m.startsWith(OWN_CODE)).distinct()
                .forEach(m -> ownMethods.merge(m, 1L, Long::sum));
    }

    /**
     * The group of a thread: its name without a UUID, without what follows {@code " | "} (Kafka
     * clients append their client id so) and without trailing numbers and hex ids, e.g.
     * {@code JettyServerThreadPool-23} → {@code JettyServerThreadPool}, {@code C2 CompilerThread0} →
     * {@code C2 CompilerThread}, {@code outbox-relay-gateway-6dd8ade} → {@code outbox-relay-gateway}.
     */
    static String threadGroup(String threadName) {
        String name = UUID.matcher(threadName).replaceAll("");
        int clientId = name.indexOf(" | ");
        name = TRAILING_ID.matcher(clientId < 0 ? name : name.substring(0, clientId)).replaceFirst("");
        return name.isBlank() ? threadName : name;
    }

    private static String method(RecordedMethod m) {
        // a lambda's class name ends in its address, which differs from one JVM to the next
        return LAMBDA_ADDRESS.matcher(m.getType().getName()).replaceFirst("$1") + "." + m.getName();
    }

    public long samples() {
        return samples;
    }

    /** Samples per thread group, most first. */
    public Map<String, Long> threadGroups() {
        return byCount(threadGroups);
    }

    /** Samples per method on top of the stack, most first. */
    public Map<String, Long> selfMethods() {
        return byCount(selfMethods);
    }

    /** Samples with the project's own method anywhere on the stack, most first. */
    public Map<String, Long> ownMethods() {
        return byCount(ownMethods);
    }

    /** One table: a row per thread group, then the top methods by self samples and the project's by inclusive samples. */
    public String toMarkdown() {
        if (samples == 0) {
            return "**" + process + "**: no execution samples.\n";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "| **%s**: %,d samples | samples | %% |%n"
                + "|---|---:|---:|%n", process, samples));
        section(out, "thread group", threadGroups(), false);
        section(out, "method, self", selfMethods(), true);
        section(out, "project method, inclusive", ownMethods(), true);
        return out.toString();
    }

    private void section(StringBuilder out, String title, Map<String, Long> counts, boolean code) {
        out.append("| _").append(title).append("_ | | |\n");
        if (counts.isEmpty()) {
            out.append("| none | | |\n");
        }
        counts.entrySet().stream().limit(TOP).forEach(e -> row(out, code ? "`" + e.getKey() + "`" : e.getKey(), e.getValue()));
        long rest = counts.values().stream().skip(TOP).mapToLong(Long::longValue).sum();
        if (!code && rest > 0) {
            row(out, (counts.size() - TOP) + " other groups", rest);
        }
    }

    private void row(StringBuilder out, String label, long count) {
        out.append(String.format(Locale.ROOT, "| %s | %,d | %.1f |%n", label.replace("|", "\\|"), count,
                100.0 * count / samples));
    }

    private static Map<String, Long> byCount(Map<String, Long> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
