package com.marketplace.bench;

import com.marketplace.harness.ProcessCpu;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** CPU of one process and its threads between two readings, from {@code /proc}. */
public final class ThreadCpu {

    /** The name {@link #busiest} gives the CPU of the threads that ended between its two readings. */
    public static final String ENDED_THREADS = "threads that ended";

    private final long pid;
    private final double startCpu;
    private final double startKernel;
    private final Map<Long, ProcessCpu.ThreadTime> startThreads;
    private final long startNanos = System.nanoTime();

    private ThreadCpu(long pid) {
        this.pid = pid;
        this.startCpu = ProcessCpu.seconds(pid);
        this.startKernel = ProcessCpu.kernelSeconds(pid);
        this.startThreads = ProcessCpu.threadSeconds(pid);
    }

    public static ThreadCpu begin(long pid) {
        return new ThreadCpu(pid);
    }

    /** CPU seconds used since {@link #begin}. */
    public double cpuSeconds() {
        return ProcessCpu.seconds(pid) - startCpu;
    }

    /** The part of {@link #cpuSeconds} the process spent in the kernel. */
    public double kernelSeconds() {
        return ProcessCpu.kernelSeconds(pid) - startKernel;
    }

    /** Cores used since {@link #begin} (CPU seconds per wall second). */
    public double cores() {
        return cpuSeconds() / ((System.nanoTime() - startNanos) / 1e9);
    }

    /** The busiest threads since {@link #begin}, in cores, busiest first (threads of one name summed). */
    public Map<String, Double> busiest(int limit) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        return busiest(startThreads, ProcessCpu.threadSeconds(pid), cpuSeconds(), wall, limit);
    }

    /**
     * Cores each thread name used between two readings of a process's threads, busiest first, those under
     * 0.01 core left out. A thread is followed by its id, so one that started in between counts from 0 and
     * threads of one name (or one name's threads, one ending as another starts) are not taken for one
     * another; the CPU of threads that ended in between, which no reading at the end lists, is what the
     * process used beyond its listed threads, named {@value #ENDED_THREADS}.
     */
    public static Map<String, Double> busiest(Map<Long, ProcessCpu.ThreadTime> before,
            Map<Long, ProcessCpu.ThreadTime> after, double processSeconds, double wallSeconds, int limit) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        after.forEach((id, thread) -> {
            ProcessCpu.ThreadTime earlier = before.get(id);
            // an id Linux gave again to a new thread after the first ended is a new thread
            boolean same = earlier != null && earlier.name().equals(thread.name());
            double used = same ? thread.seconds() - earlier.seconds() : thread.seconds();
            seconds.merge(thread.name(), used, Double::sum);
        });
        double listed = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        seconds.put(ENDED_THREADS, processSeconds - listed);
        return seconds.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() / wallSeconds))
                .filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** "name 0.42, other 0.10" of the busiest threads. */
    public String describeBusiest(int limit) {
        return describe(busiest(limit));
    }

    public static String describe(Map<String, Double> threads) {
        return threads.entrySet().stream().map(e -> String.format(Locale.ROOT, "`%s` %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
