package com.marketplace.bench;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the runner runs, from system properties: {@code bench.quick} [false] short phases (smoke run
 * in a few minutes of every scenario but those that leave themselves out of quick runs),
 * {@code bench.only} [all] comma-separated scenario names,
 * {@code bench.reportDir} [docs/benchmarks], {@code bench.runDir} [bench/target/bench-run] (work
 * files, logs, JFR), {@code bench.jars} [.] where {@code order-gateway/target} and
 * {@code streams-app/target} are, {@code bench.sharedDb} [jdbc:mariadb://127.0.0.1:3306/] the MariaDB
 * that the gateway scenario uses as CI does ({@code bench.dbUser} [root], {@code bench.dbPassword} []),
 * through MariaDB Connector/J, the driver operations.md gives for a MariaDB server ({@code jdbc:mysql:}
 * measures MySQL Connector/J).
 */
public record BenchSettings(boolean quick, Set<String> only, Path reportDir, Path runDir, Path jars, String sharedDb,
        String dbUser, String dbPassword, LocalDate date) {

    public static BenchSettings fromSystemProperties() {
        String only = System.getProperty("bench.only", "");
        return new BenchSettings(
                Boolean.getBoolean("bench.quick"),
                only.isBlank() ? Set.of() : Arrays.stream(only.split(",")).map(String::trim).collect(Collectors.toSet()),
                Path.of(System.getProperty("bench.reportDir", "docs/benchmarks")),
                Path.of(System.getProperty("bench.runDir", "bench/target/bench-run")),
                Path.of(System.getProperty("bench.jars", ".")),
                System.getProperty("bench.sharedDb", "jdbc:mariadb://127.0.0.1:3306/"),
                System.getProperty("bench.dbUser", "root"),
                System.getProperty("bench.dbPassword", ""),
                LocalDate.now());
    }

    /** Whether this run includes {@code scenario}: named in {@code bench.only}, or no names and not left out of quick runs. */
    public boolean runs(Scenario scenario) {
        return only.isEmpty() ? !quick || scenario.inQuickRun() : only.contains(scenario.name());
    }

    /**
     * The report's file name without extension: {@code <date>}, then {@code -quick} for a quick run,
     * then {@code -<name>} for each scenario {@code bench.only} names, in alphabetical order.
     */
    public String reportName() {
        StringBuilder name = new StringBuilder(date.toString());
        if (quick) {
            name.append("-quick");
        }
        only.stream().sorted().forEach(scenario -> name.append('-').append(scenario));
        return name.toString();
    }

    /** {@code full} in a full run, {@code quick} in a quick one. */
    public int pick(int full, int quickValue) {
        return quick ? quickValue : full;
    }
}
