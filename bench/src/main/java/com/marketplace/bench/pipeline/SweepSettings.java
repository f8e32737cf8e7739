package com.marketplace.bench.pipeline;

import java.util.Arrays;
import java.util.List;

/**
 * What a rate sweep ({@link PipelineSweep}) does, from system properties: {@code bench.sweep.rates}
 * [100,200,400,600,800,1000,1200,1500] the open-loop rates of its steps in orders/s, in the order run;
 * {@code bench.sweep.stepSeconds} [25; 5 in a quick run] the length of each step;
 * {@code bench.sweep.warmupRate} [100] and {@code bench.sweep.warmupSeconds} [60; 15 in a quick run]
 * the load that takes the pipeline past its cold start before the first step;
 * {@code bench.sweep.p99Ms} [200] the 201 → {@code marketplace.email} p99 a step must hold.
 *
 * @throws IllegalArgumentException from the constructor when a rate, length or target is not positive
 */
public record SweepSettings(List<Integer> rates, int stepSeconds, int warmupRate, int warmupSeconds, double p99TargetMs) {

    /** A step whose p99 exceeds the target by more than this factor is a clear miss: the sweep stops after it. */
    static final double CLEAR_MISS_FACTOR = 1.5;
    /** A step that answers fewer 201s per second than this share of its offered rate did not hold the rate. */
    static final double HELD_SHARE = 0.95;

    public SweepSettings {
        rates = List.copyOf(rates);
        if (rates.isEmpty() || rates.stream().anyMatch(r -> r <= 0)) {
            throw new IllegalArgumentException("rates must be positive and at least one: " + rates);
        }
        if (stepSeconds <= 0 || warmupRate <= 0 || warmupSeconds <= 0 || !(p99TargetMs > 0)) {
            throw new IllegalArgumentException("step length, warm-up rate and length, p99 target must be positive");
        }
    }

    public static SweepSettings fromSystemProperties(boolean quick) {
        String rates = System.getProperty("bench.sweep.rates", "100,200,400,600,800,1000,1200,1500");
        return new SweepSettings(
                Arrays.stream(rates.split(",")).map(String::trim).map(Integer::valueOf).toList(),
                Integer.getInteger("bench.sweep.stepSeconds", quick ? 5 : 25),
                Integer.getInteger("bench.sweep.warmupRate", 100),
                Integer.getInteger("bench.sweep.warmupSeconds", quick ? 15 : 60),
                Double.parseDouble(System.getProperty("bench.sweep.p99Ms", "200")));
    }
}
