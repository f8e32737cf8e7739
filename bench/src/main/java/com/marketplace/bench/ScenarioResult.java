package com.marketplace.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario reports: its figures (each with its baseline), tables and notes as Markdown,
 * the plots it wrote beside the report, a paragraph on what bounds it (from per-thread CPU), the
 * memory of the project's processes at its end, and, in a run with JFR, a profile of each JVM it started.
 */
public final class ScenarioResult {

    /** Memory of one process at the end of a scenario. */
    public record Memory(String process, String measure, double megabytes) {
    }

    private final String title;
    private final List<Figure> figures = new ArrayList<>();
    private final StringBuilder details = new StringBuilder();
    private final List<String> plots = new ArrayList<>();
    private final List<Memory> memory = new ArrayList<>();
    private final StringBuilder bound = new StringBuilder();
    private final StringBuilder profile = new StringBuilder();
    private String failure;
    private double seconds;
    private double speedBefore = Double.NaN;
    private double speedAfter = Double.NaN;

    public ScenarioResult(String title) {
        this.title = title;
    }

    public static ScenarioResult failed(String title, Throwable error) {
        ScenarioResult r = new ScenarioResult(title);
        r.failure = error.toString();
        return r;
    }

    public ScenarioResult figure(Figure figure) {
        figures.add(figure);
        return this;
    }

    public ScenarioResult details(String markdown) {
        details.append(markdown).append(markdown.endsWith("\n") ? "" : "\n");
        return this;
    }

    public ScenarioResult plot(String fileName) {
        plots.add(fileName);
        return this;
    }

    public ScenarioResult memory(String process, String measure, double megabytes) {
        if (!Double.isNaN(megabytes)) {
            memory.add(new Memory(process, measure, megabytes));
        }
        return this;
    }

    public ScenarioResult bound(String paragraph) {
        bound.append(bound.length() == 0 ? "" : " ").append(paragraph);
        return this;
    }

    /** Appends Markdown on where the JVMs spent their time (see {@code JfrSummary}). */
    public ScenarioResult profile(String markdown) {
        profile.append(markdown);
        return this;
    }

    void took(double s) {
        this.seconds = s;
    }

    /** {@link MachineSpeed#referenceMillis()} read before and after the scenario. */
    void machineSpeed(double beforeMillis, double afterMillis) {
        this.speedBefore = beforeMillis;
        this.speedAfter = afterMillis;
    }

    /** The machine's reference sort in ms of CPU before the scenario; NaN when not read. */
    public double speedBefore() {
        return speedBefore;
    }

    /** The machine's reference sort in ms of CPU after the scenario; NaN when not read. */
    public double speedAfter() {
        return speedAfter;
    }

    public String title() {
        return title;
    }

    public List<Figure> figures() {
        return figures;
    }

    public String details() {
        return details.toString();
    }

    public List<String> plots() {
        return plots;
    }

    public List<Memory> memory() {
        return memory;
    }

    public String bound() {
        return bound.toString();
    }

    public String profile() {
        return profile.toString();
    }

    public String failure() {
        return failure;
    }

    public double seconds() {
        return seconds;
    }
}
