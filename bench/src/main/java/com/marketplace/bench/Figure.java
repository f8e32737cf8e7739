package com.marketplace.bench;

import java.util.Locale;

/**
 * One measured figure beside its baseline from the same run: {@code ratio} is ours / baseline.
 * {@code target} is the goal the figure is held against (empty when there is none) and {@code met}
 * whether this run reached it (null when there is no target).
 */
public record Figure(String measure, double ours, String unit, String baselineName, double baseline, String target,
        Boolean met) {

    public static Figure of(String measure, double ours, String unit, String baselineName, double baseline) {
        return new Figure(measure, ours, unit, baselineName, baseline, "", null);
    }

    public Figure against(String targetText, boolean reached) {
        return new Figure(measure, ours, unit, baselineName, baseline, targetText, reached);
    }

    public double ratio() {
        return baseline == 0 || Double.isNaN(baseline) ? Double.NaN : ours / baseline;
    }

    public static String format(double value) {
        if (Double.isNaN(value)) {
            return "–";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
