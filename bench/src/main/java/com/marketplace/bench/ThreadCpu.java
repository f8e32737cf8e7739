package com.marketplace.bench;

import com.marketplace.harness.ProcessCpu;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** CPU of one process and its threads between two readings, from {@code /proc}. */
public final class ThreadCpu {

    private final long pid;
    private final double startCpu;
    private final double startKernel;
    private final Map<String, Double> startThreads;
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
        Map<String, Double> now = ProcessCpu.threadSeconds(pid);
        return now.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - startThreads.getOrDefault(e.getKey(), 0.0)) / wall))
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
