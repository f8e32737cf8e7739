package com.marketplace.bench;

import java.util.function.Predicate;

/** Reading counters out of a service's {@code /metrics} answer (Prometheus text format). */
public final class MetricsScrape {

    private MetricsScrape() {
    }

    /** The sum of the values of the samples of {@code name} (any labels) that {@code which} accepts. */
    public static double sum(String scrape, String name, Predicate<String> which) {
        return scrape.lines().filter(line -> line.startsWith(name + "{") && which.test(line))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
