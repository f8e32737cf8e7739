package com.marketplace.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How fast this machine runs a fixed piece of work right now: the CPU time (not the wall time) the
 * calling thread takes to sort the same 1,000,000 pseudo-random ints, best of five. CPU time is
 * what another busy process does not add to, so the reading moves with what the processor itself
 * delivers to a thread (a shared host's clock and contention for its caches) rather than with the
 * load on this machine. On the machines here the same code's figures moved by up to half within an
 * hour; a report gives this reading at the start and end of each scenario, so that figures of
 * different runs, or of two scenarios of one run, can be told apart from the machine's own changes.
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
