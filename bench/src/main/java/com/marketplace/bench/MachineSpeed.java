package com.marketplace.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How fast this machine's processor runs a fixed computation right now: the CPU time (not the wall
 * time) the calling thread takes to sort the same 1,000,000 pseudo-random ints, best of five. CPU
 * time is what another busy process does not add to, so the reading moves with what the processor
 * delivers to one thread (a shared host's clock, contention for its caches), not with the load on
 * this machine. A report gives it at the start and end of each scenario. It reads computation only:
 * system calls, thread wake-ups across cores and the JIT's work after a start, which a pipeline
 * figure also depends on, can change while it stays flat (docs/benchmarks/pipeline-tuning.md,
 * "fourteenth"), so a flat reading rules out the processor's clock as the cause of a change, not
 * the machine as a whole.
 */
public final class MachineSpeed {

    private static final int VALUES = 1_000_000;
    private static final int TRIES = 5;
    private static final long SEED = 20_261_201L;

    private MachineSpeed() {
    }

    /** Milliseconds of this thread's CPU for one sort of the fixed input, the best of five tries. */
    public static double referenceMillis() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int[] input = new SplittableRandom(SEED).ints(VALUES).toArray();
        long best = Long.MAX_VALUE;
        long checksum = 0;
        for (int i = 0; i < TRIES; i++) {
            int[] values = input.clone();
            long start = threads.getCurrentThreadCpuTime();
            Arrays.sort(values);
            best = Math.min(best, threads.getCurrentThreadCpuTime() - start);
            checksum += values[VALUES / 2];
        }
        if (checksum == 42) {
            // keeps the sort's result observable, so no compiler may drop the work
            throw new IllegalStateException("impossible checksum");
        }
        return best / 1e6;
    }
}
