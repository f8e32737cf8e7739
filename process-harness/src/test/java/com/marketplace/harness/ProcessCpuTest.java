package com.marketplace.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void aProcesssSecondsAreTheJvmsOwnCpuSecondsInScale() {
        var threads = ManagementFactory.getThreadMXBean();
        long pid = ProcessHandle.current().pid();
        double before = ProcessCpu.seconds(pid);
        long threadBefore = threads.getCurrentThreadCpuTime();
        long sink = 0;
        while (threads.getCurrentThreadCpuTime() - threadBefore < 400_000_000L) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        double threadSeconds = (threads.getCurrentThreadCpuTime() - threadBefore) / 1e9;
        double processSeconds = ProcessCpu.seconds(pid) - before;

        // the process used at least this thread's CPU (less a tick of rounding at either end), and
        // not ten times more: a wrong clock-tick rate would scale every reading
        assertThat(processSeconds).as("spun %s (%d)", threadSeconds, sink)
                .isGreaterThan(threadSeconds - 0.05)
                .isLessThan(threadSeconds * 3 + 0.5);
    }
}
