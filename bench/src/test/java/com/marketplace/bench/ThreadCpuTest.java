package com.marketplace.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.marketplace.harness.ProcessCpu.ThreadTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void threadsAreFollowedByIdAndTheCpuOfThoseThatEndedIsNamedAsSuch() {
        Map<Long, ThreadTime> before = Map.of(
                1L, new ThreadTime("request", 1.0),
                2L, new ThreadTime("load", 5.0),
                3L, new ThreadTime("load", 5.0),
                4L, new ThreadTime("old", 9.0));
        Map<Long, ThreadTime> after = Map.of(
                1L, new ThreadTime("request", 1.5),
                3L, new ThreadTime("load", 5.75),
                4L, new ThreadTime("new", 0.25),
                5L, new ThreadTime("load", 0.25));
        // the process used 3 s over 2 s: 1.75 of it in the listed threads (two named "load" summed, one of them
        // new), the rest in threads no longer listed (thread 2, and the old thread whose id the new one got)
        Map<String, Double> busiest = ThreadCpu.busiest(before, after, 3.0, 2.0, 10);

        assertThat(busiest).containsExactly(entry(ThreadCpu.ENDED_THREADS, 0.625), entry("load", 0.5),
                entry("request", 0.25), entry("new", 0.125));
    }

    @Test
    void threadsUnderOneHundredthOfACoreAndThoseBeyondTheLimitAreLeftOut() {
        Map<Long, ThreadTime> before = Map.of(1L, new ThreadTime("a", 0), 2L, new ThreadTime("b", 0),
                3L, new ThreadTime("c", 0));
        Map<Long, ThreadTime> after = Map.of(1L, new ThreadTime("a", 3), 2L, new ThreadTime("b", 2),
                3L, new ThreadTime("c", 0.05));

        assertThat(ThreadCpu.busiest(before, after, 5.05, 10, 1)).containsExactly(entry("a", 0.3));
        assertThat(ThreadCpu.busiest(before, after, 5.05, 10, 5)).containsOnlyKeys("a", "b");
    }
}
