package com.marketplace.bench;

import com.marketplace.harness.JavaCommand;
import com.marketplace.harness.MariaDbServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the scenarios share: the settings, the run's work directories, the shared MariaDB (as CI
 * runs it) and, started on first use, a second MariaDB with the binlog on for the scenarios that
 * compare with Debezium (the shared server is never reconfigured).
 */
public final class BenchEnvironment implements AutoCloseable {

    private final BenchSettings settings;
    private MariaDbServer binlogServer;

    public BenchEnvironment(BenchSettings settings) throws IOException {
        this.settings = settings;
        deleteRecursively(settings.runDir());
        Files.createDirectories(settings.runDir());
        Files.createDirectories(settings.reportDir());
    }

    public BenchSettings settings() {
        return settings;
    }

    /** A fresh directory for one scenario's files. */
    public Path workDir(String name) throws IOException {
        Path dir = filesOf(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        return dir;
    }

    /** The directory {@link #workDir(String)} makes for {@code name}, as it is now (logs, data, JFR files). */
    public Path filesOf(String name) {
        return settings.runDir().resolve(name);
    }

    /** Where plots go (beside the report). */
    public Path plotFile(String name) {
        return settings.reportDir().resolve(reportName() + "-" + name + ".png");
    }

    /**
     * The report's file name without extension: the date, {@code -quick} for a quick run, and for a
     * run of named scenarios ({@code bench.only}) their names, so that it never replaces the report
     * of a run of every scenario.
     */
    public String reportName() {
        return settings.reportName();
    }

    /**
     * The MariaDB with {@code log_bin}, {@code binlog_format=ROW}, {@code binlog_row_image=FULL} and
     * a {@code server_id}, on a free port with its own data directory; started on first use.
     */
    public synchronized MariaDbServer binlogServer() {
        if (binlogServer == null) {
            Path dir = settings.runDir().resolve("mariadb-binlog");
            binlogServer = MariaDbServer.start(dir, 0, List.of("--log-bin=" + dir.toAbsolutePath()
                    .resolve("binlog"), "--server-id=1", "--binlog-format=ROW", "--binlog-row-image=FULL",
                    "--max-connections=300"));
        }
        return binlogServer;
    }

    /** Drops and creates {@code database} on the shared server; returns its JDBC URL. */
    public String recreateSharedDatabase(String database) throws SQLException {
        try (Connection conn = DriverManager.getConnection(settings.sharedDb(), settings.dbUser(), settings.dbPassword())) {
            recreate(conn, database);
        }
        return settings.sharedDb() + database;
    }

    /** Drops and creates {@code database} on the binlog server; returns its JDBC URL (MariaDB Connector/J, as for the shared one). */
    public String recreateBinlogDatabase(String database) throws SQLException {
        try (Connection conn = binlogServer().connect("")) {
            recreate(conn, database);
        }
        return binlogServer().mariadbJdbcUrl(database);
    }

    private static void recreate(Connection conn, String database) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS `" + database + "`");
            st.execute("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    /** The pid of the shared MariaDB server (the one started without its own --port), if it runs here. */
    public Optional<Long> sharedMariaDbPid() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).stream().noneMatch(x -> x.startsWith("--port")))
                        .orElse(true))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    /** JVM options of the processes a scenario starts; see {@link #jvmOptions(Path, String, boolean)}. */
    public List<String> jvmOptions(Path work, String name) {
        return jvmOptions(work, name, Boolean.getBoolean("bench.jfr"));
    }

    /**
     * JVM options of a process a scenario starts: {@code -Xms512m -Xmx1g}, then the options of the
     * system property {@code bench.jvm.<name>} (space-separated, e.g.
     * {@code -Dbench.jvm.gateway=-XX:TieredStopAtLevel=1}; the name is the one the process's JFR file
     * carries: {@code kafka}, {@code gateway}, {@code streams-app}, ...), and a JFR profile in
     * {@code work/<name>.jfr} when asked for.
     */
    public static List<String> jvmOptions(Path work, String name, boolean jfr) {
        List<String> options = new ArrayList<>(List.of("-Xms512m", "-Xmx1g"));
        String extra = System.getProperty("bench.jvm." + name, "").strip();
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        if (jfr) {
            options.addAll(JavaCommand.flightRecording(work.resolve(name + ".jfr")));
        }
        return options;
    }

    @Override
    public synchronized void close() {
        if (binlogServer != null) {
            binlogServer.close();
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
