package com.marketplace.bench.report;

import com.marketplace.bench.Figure;
import org.HdrHistogram.Histogram;

/** Small formatting helpers of the report's tables. */
public final class Markdown {

    private Markdown() {
    }

    /** The {@code percentile} of a histogram of microseconds, in milliseconds. */
    public static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "–" : Figure.format(h.getValueAtPercentile(percentile) / 1000.0);
    }

    /** "| name | p50 | p90 | p99 | p99.9 | max | count |" row of a histogram of microseconds. */
    public static String latencyRow(String name, Histogram h) {
        return "| " + name + " | " + ms(h, 50) + " | " + ms(h, 90) + " | " + ms(h, 99) + " | " + ms(h, 99.9) + " | "
                + (h.getTotalCount() == 0 ? "–" : Figure.format(h.getMaxValue() / 1000.0)) + " | " + h.getTotalCount()
                + " |\n";
    }

    public static final String LATENCY_HEADER = "| latency (ms) | p50 | p90 | p99 | p99.9 | max | count |\n"
            + "|---|---|---|---|---|---|---|\n";
}
