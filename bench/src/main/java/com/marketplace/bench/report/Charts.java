package com.marketplace.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's plots, written as PNG with JFreeChart. */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private Charts() {
    }

    /**
     * Latency by percentile (HdrHistogram, values in microseconds), every series on the same axes;
     * the x axis spreads the tail as HdrHistogram's own plots do (50 %, 90 %, 99 %, 99.9 % equally spaced).
     */
    public static void percentiles(Path file, String title, Map<String, Histogram> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, h) -> {
            if (h.getTotalCount() == 0) {
                return;
            }
            XYSeries s = new XYSeries(name, false);
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo();
                if (p >= 100.0) {
                    break;
                }
                s.add(100.0 / (100.0 - p), v.getValueIteratedTo() / 1000.0);
            }
            s.add(100.0 / (100.0 - 99.999), h.getMaxValue() / 1000.0);
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, "percentile", "latency (ms)", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("percentile");
        x.setBase(10);
        x.setNumberFormatOverride(new PercentileFormat());
        x.setRange(1, 100_000);
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("latency (ms, log scale)");
        y.setNumberFormatOverride(new DecimalFormat("0.###"));
        y.setSmallestValue(0.01);
        plot.setRangeAxis(y);
        style(plot);
        save(file, chart);
    }

    /** One line per series of (x, y) points, e.g. orders/s against connections. */
    public static void lines(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries s = new XYSeries(name);
            for (double[] p : points) {
                s.add(p[0], p[1]);
            }
            data.addSeries(s);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis(xLabel + " (log scale)");
        x.setBase(2);
        x.setNumberFormatOverride(new DecimalFormat("0"));
        x.setSmallestValue(0.5);
        plot.setDomainAxis(x);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        style(plot);
        save(file, chart);
    }

    /**
     * Latency against offered load: one line per series of (rate, milliseconds) points on a linear
     * rate axis and a logarithmic latency axis, with a dashed line at {@code targetMs}.
     */
    public static void latencyByRate(Path file, String title, String xLabel, Map<String, double[][]> series,
            double targetMs) {
        XYSeriesCollection data = new XYSeriesCollection();
        double low = targetMs;
        double high = targetMs;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            for (double[] p : e.getValue()) {
                if (p[1] > 0) {
                    s.add(p[0], p[1]);
                    low = Math.min(low, p[1]);
                    high = Math.max(high, p[1]);
                }
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "latency (ms)", data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
        LogAxis y = new LogAxis("latency (ms, log scale)");
        y.setBase(10);
        y.setTickUnit(new NumberTickUnit(1));
        y.setMinorTickCount(9);
        y.setMinorTickMarksVisible(true);
        y.setNumberFormatOverride(new DecimalFormat("0.###"));
        y.setRange(Math.max(0.01, low / 2), high * 2);
        plot.setRangeAxis(y);
        ValueMarker target = new ValueMarker(targetMs, Color.RED, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        target.setLabel(String.format(Locale.ROOT, "target %.0f ms", targetMs));
        target.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        target.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(target);
        style(plot);
        save(file, chart);
    }

    /** One bar per (series, category) value, e.g. events/s of a drain and its baselines. */
    public static void bars(Path file, String title, String valueLabel, Map<String, Map<String, Double>> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach((series, byCategory) -> byCategory.forEach((category, v) -> data.addValue(v, series, category)));
        JFreeChart chart = ChartFactory.createBarChart(title, "", valueLabel, data, PlotOrientation.HORIZONTAL, true,
                false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(file, chart);
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
    }

    private static void save(Path file, JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shows the axis value 1 / (1 - p) as the percentile p. */
    private static final class PercentileFormat extends NumberFormat {
        private static final long serialVersionUID = 1L;

        @Override
        public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
            double p = 100.0 - 100.0 / number;
            return toAppendTo.append(String.format(Locale.ROOT, p >= 99.99 ? "%.3f%%" : p >= 99.9 ? "%.2f%%"
                    : p >= 99 ? "%.1f%%" : "%.0f%%", p));
        }

        @Override
        public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
            return format((double) number, toAppendTo, pos);
        }

        @Override
        public Number parse(String source, ParsePosition parsePosition) {
            return null;
        }
    }
}
