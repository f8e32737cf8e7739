package com.marketplace.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamsThroughputTest {

    @Test
    void eachMeasureIsTheMedianOfItsOwnRoundsWhicheverRunItCameFrom() {
        // the fastest run is not the one with the least CPU: each measure is ranked on its own
        List<double[]> runs = List.of(new double[] {18_000, 28.0}, new double[] {21_000, 38.0},
                new double[] {14_000, 26.0});

        assertThat(StreamsThroughput.medians(runs)).containsExactly(18_000, 28.0);
    }

    @Test
    void anEvenNumberOfRoundsTakesTheMeanOfTheMiddleTwo() {
        List<double[]> runs = List.of(new double[] {10, 4}, new double[] {40, 1}, new double[] {20, 3},
                new double[] {30, 2});

        assertThat(StreamsThroughput.medians(runs)).containsExactly(25, 2.5);
    }

    @Test
    void oneRoundIsItsOwnMedian() {
        assertThat(StreamsThroughput.medians(List.of(new double[] {12_345, 31.5}))).containsExactly(12_345, 31.5);
    }
}
