package com.marketplace.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CPU time of processes and threads, read from Linux's {@code /proc} (user + system time). Values
 * are cumulative since the process or thread started; take two readings and subtract.
 */
public final class ProcessCpu {

    /** Clock ticks per second of {@code /proc/[pid]/stat} and {@code /proc/stat}: the system's {@code CLK_TCK}. */
    private static final double TICKS_PER_SECOND = clockTicksPerSecond();

    private ProcessCpu() {
    }

    /** CPU seconds used so far by process {@code pid} and all its threads; 0 if it has exited. */
    public static double seconds(long pid) {
        return readStat(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** The part of {@link #seconds} spent in the kernel (system calls, the network stack, page faults). */
    public static double kernelSeconds(long pid) {
        return readStat(Path.of("/proc", Long.toString(pid), "stat"), false);
    }

    /** A thread's name (Linux keeps the first 15 characters of a Java thread's) and its CPU seconds so far. */
    public record ThreadTime(String name, double seconds) {
    }

    /**
     * CPU seconds of each live thread of process {@code pid}, by thread id. A thread that ended is no
     * longer listed; its CPU stays in the process's {@link #seconds}.
     */
    public static Map<Long, ThreadTime> threadSeconds(long pid) {
        Map<Long, ThreadTime> byId = new TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> dirs = Files.list(tasks)) {
            for (Path task : dirs.toList()) {
                // the name and the time from one read: a thread that ends between two reads is not listed
                try {
                    String line = Files.readString(task.resolve("stat"));
                    String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                    long id = Long.parseLong(task.getFileName().toString());
                    byId.put(id, new ThreadTime(name, cpuSeconds(line, true)));
                } catch (IOException | RuntimeException e) {
                    // ended since the listing
                }
            }
        } catch (IOException e) {
            return byId;
        }
        return byId;
    }

    /** Busy and total CPU seconds of the whole machine so far (all cores), from {@code /proc/stat}. */
    public static double[] machineSeconds() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            List<Long> values = new ArrayList<>();
            for (int i = 1; i < f.length; i++) {
                long v = Long.parseLong(f[i]);
                values.add(v);
                if (i <= 8) { // user nice system idle iowait irq softirq steal (guest is already in user)
                    total += v;
                }
            }
            long idle = values.get(3) + values.get(4);
            return new double[] {(total - idle) / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
        } catch (IOException e) {
            return new double[] {0, 0};
        }
    }

    /**
     * The system's {@code CLK_TCK} as {@code getconf} reports it; 100 (Linux's value on x86 and arm)
     * when it cannot be asked.
     */
    static double clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(10, TimeUnit.SECONDS) && getconf.exitValue() == 0 && out.matches("[1-9][0-9]{0,6}")) {
                return Integer.parseInt(out);
            }
            getconf.destroyForcibly();
        } catch (IOException e) {
            // no getconf: the default below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100.0;
    }

    private static double readStat(Path stat) {
        return readStat(stat, true);
    }

    /** utime + stime of a stat file, or stime alone when {@code withUser} is false. */
    private static double readStat(Path stat, boolean withUser) {
        try {
            return cpuSeconds(Files.readString(stat), withUser);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static double cpuSeconds(String statLine, boolean withUser) {
        // the command name (field 2) may contain spaces and parentheses: parse after the last ')'
        String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return ((withUser ? utime : 0) + stime) / TICKS_PER_SECOND;
    }
}
