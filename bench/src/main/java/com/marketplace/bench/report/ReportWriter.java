package com.marketplace.bench.report;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.BenchSettings;
import com.marketplace.bench.Figure;
import com.marketplace.bench.ScenarioResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.utils.internals.AppInfoParser;

/**
 * Writes {@code <reportDir>/<date>.md} ({@code <date>-quick.md} for a quick run, with the scenario
 * names appended for a run of named scenarios: see {@link BenchSettings#reportName()}) for a reader who wants to
 * choose: machine, versions, settings, a summary of every figure with a target, then each scenario
 * with its figures beside their baselines, tables, plots, what bounds it and (with JFR) its JVMs'
 * profiles, and the memory of the project's processes. A full run also copies it to {@code latest.md}.
 */
public final class ReportWriter {

    private final BenchEnvironment env;

    public ReportWriter(BenchEnvironment env) {
        this.env = env;
    }

    public Path write(List<ScenarioResult> results, double seconds) throws IOException {
        StringBuilder out = new StringBuilder();
        boolean quick = env.settings().quick();
        out.append("# Benchmarks, ").append(env.settings().date()).append(quick ? " (quick run)" : "").append("\n\n");
        out.append(String.format(Locale.ROOT, """
                Written by `bench/run.sh%s` in %.1f minutes. Every scenario starts what it needs (broker and
                services as processes of their own), warms up, and measures the project's path and its
                baseline in the same run on the same machine. Ratios are project / baseline.%s

                """, quick ? " --quick" : "", seconds / 60, quick
                ? " A quick run uses short phases and small backlogs: its figures show that everything works, not what it can do."
                : ""));
        machine(out);
        summary(out, results);
        for (ScenarioResult r : results) {
            scenario(out, r);
        }
        memory(out, results);
        Path file = env.settings().reportDir().resolve(env.reportName() + ".md");
        Files.writeString(file, out.toString());
        if (!quick && env.settings().only().isEmpty()) {
            Files.writeString(env.settings().reportDir().resolve("latest.md"), out.toString());
        }
        return file;
    }

    private void machine(StringBuilder out) {
        out.append("## Machine and versions\n\n");
        out.append("| | |\n|---|---|\n");
        out.append("| CPU | ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores |\n");
        out.append("| memory | ").append(memTotal()).append(" |\n");
        out.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(" |\n");
        out.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" |\n");
        out.append("| Kafka (broker and clients) | ").append(AppInfoParser.getVersion()).append(" |\n");
        out.append("| MariaDB | ").append(mariaDbVersion()).append(" |\n");
        out.append("| Debezium (baseline, own process) | 3.5.0.Final: debezium-embedded, debezium-connector-mariadb, "
                + "Kafka Connect and clients 4.1.1 |\n\n");
        out.append("""
                Settings: one broker process (KRaft, defaults of `process-harness` `KafkaCluster`), topics of 3
                partitions; the gateway and streams-app jars with their defaults (gateway pool 20 connections, relay
                batch 500), `-Xms512m -Xmx1g` and the class-data archive the build writes beside each jar; the
                shared MariaDB on port 3306 as CI runs it (binlog off) for the gateway and the pipeline; a second
                MariaDB with the binlog on (`log_bin`, `binlog_format=ROW`,
                `binlog_row_image=FULL`, `server_id=1`, otherwise defaults as the shared one: 128 MiB buffer pool,
                `innodb_flush_log_at_trx_commit=1`, `sync_binlog=0`) for the scenarios that compare with Debezium,
                where the project's relay reads the same table. The gateway, the relay and the JDBC baselines reach
                both through MariaDB Connector/J (`jdbc:mariadb:` URLs; `-Dbench.sharedDb=jdbc:mysql://127.0.0.1:3306/`
                and `-Dbench.dbUrl` measure MySQL Connector/J). Latencies are HdrHistogram percentiles. Run with
                `-Dbench.jfr=true` for a JFR profile of every JVM a scenario starts: its section then ends with each
                JVM's execution samples by thread group and by method, and the files stay in the scenario's work
                directory, `bench/target/bench-run/<scenario>/`.

                """);
    }

    private static void summary(StringBuilder out, List<ScenarioResult> results) {
        out.append("## Against the performance targets\n\n");
        out.append("| measure | project | baseline | baseline value | ratio | target | met |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            for (Figure f : r.figures()) {
                if (!f.target().isEmpty()) {
                    out.append(row(f));
                }
            }
        }
        out.append("\n");
    }

    private static String row(Figure f) {
        return "| " + f.measure() + " | " + Figure.format(f.ours()) + " " + f.unit() + " | "
                + (f.baselineName().isEmpty() ? "–" : f.baselineName()) + " | "
                + (Double.isNaN(f.baseline()) ? "–" : Figure.format(f.baseline()) + " " + f.unit()) + " | "
                + Figure.format(f.ratio()) + " | " + (f.target().isEmpty() ? "–" : f.target()) + " | "
                + (f.met() == null ? "–" : f.met() ? "yes" : "**no**") + " |\n";
    }

    private static void scenario(StringBuilder out, ScenarioResult r) {
        out.append("## ").append(r.title()).append("\n\n");
        if (r.failure() != null) {
            out.append("**This scenario failed in this run:** `").append(r.failure().replace('`', '\''))
                    .append("`. Its log is under `bench/target/bench-run`.\n\n");
            return;
        }
        if (!r.figures().isEmpty()) {
            out.append("| measure | project | baseline | baseline value | ratio | target | met |\n");
            out.append("|---|---|---|---|---|---|---|\n");
            r.figures().forEach(f -> out.append(row(f)));
            out.append("\n");
        }
        out.append(r.details()).append("\n");
        for (String plot : r.plots()) {
            out.append("![").append(plot).append("](").append(plot).append(")\n\n");
        }
        if (!r.bound().isEmpty()) {
            out.append("**What bounds it.** ").append(r.bound()).append("\n\n");
        }
        if (!r.profile().isEmpty()) {
            out.append("**Profile (JFR).** ").append(r.profile()).append("\n");
        }
        out.append(String.format(Locale.ROOT, "_Scenario time: %.0f s.", r.seconds()));
        if (!Double.isNaN(r.speedBefore())) {
            out.append(String.format(Locale.ROOT, " Machine speed (`MachineSpeed`, a fixed sort's CPU time; lower is "
                    + "faster): %.1f ms before, %.1f ms after.", r.speedBefore(), r.speedAfter()));
        }
        out.append("_\n\n");
    }

    private static void memory(StringBuilder out, List<ScenarioResult> results) {
        out.append("## Memory at the end of each scenario\n\n| scenario | process | measure | MiB |\n|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            for (ScenarioResult.Memory m : r.memory()) {
                out.append("| ").append(r.title()).append(" | ").append(m.process()).append(" | ").append(m.measure())
                        .append(" | ").append(Figure.format(m.megabytes())).append(" |\n");
            }
        }
        out.append("\n");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024))
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private String mariaDbVersion() {
        try (Connection conn = DriverManager.getConnection(env.settings().sharedDb(), env.settings().dbUser(),
                env.settings().dbPassword()); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            return "unknown";
        }
    }
}
