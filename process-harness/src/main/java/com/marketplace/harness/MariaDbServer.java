package com.marketplace.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server for one run: its own data directory, a loopback TCP port and its own
 * socket, started from the machine's {@code mariadbd} with {@code --no-defaults} so that no shared
 * configuration applies. The data directory is created with {@code mariadb-install-db} when it does
 * not exist yet. Clients connect over TCP as {@link #USER} / {@link #PASSWORD}, a password user with
 * every privilege (Connector/J cannot use the {@code unix_socket} authentication of {@code root}).
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String USER = "bench";
    public static final String PASSWORD = "bench";

    private static final Logger log = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final ManagedProcess process;

    private MariaDbServer(Path dir, int port, ManagedProcess process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a server on {@code port} with its data under {@code dir}; waits until it accepts
     * connections from {@link #USER}.
     *
     * @param extraArgs further {@code mariadbd} options, e.g. {@code --log-bin}, {@code --binlog-format=ROW}
     * @throws IllegalStateException when it does not start within a minute
     */
    public static MariaDbServer start(Path dir, int port, List<String> extraArgs) {
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(dir);
            boolean fresh = !Files.isDirectory(data.resolve("mysql"));
            if (fresh) {
                installDatabase(dir, data);
            }
            List<String> command = new ArrayList<>(List.of("/usr/sbin/mariadbd", "--no-defaults",
                    "--datadir=" + data.toAbsolutePath(), "--port=" + port, "--socket=" + socket(dir),
                    "--bind-address=127.0.0.1", "--pid-file=" + dir.toAbsolutePath().resolve("mariadbd.pid"),
                    "--log-error=" + dir.toAbsolutePath().resolve("error.log")));
            if ("root".equals(System.getProperty("user.name"))) {
                command.add("--user=root");
            }
            command.addAll(extraArgs);
            ManagedProcess process = ManagedProcess.start("mariadb-" + port, command, Map.of(),
                    dir.resolve("stdout.log"));
            MariaDbServer server = new MariaDbServer(dir, port, process);
            server.awaitSocket();
            if (fresh) {
                server.createUser();
            }
            server.awaitReady();
            log.info("MariaDB on port {} ready, data in {}", port, data);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code jdbc:mysql://127.0.0.1:<port>/<database>}; log in as {@link #USER} / {@link #PASSWORD}. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    public int port() {
        return port;
    }

    public ManagedProcess process() {
        return process;
    }

    /** A new connection as {@link #USER} to {@code database} ("" for none). */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
    }

    /** Clean shutdown (SIGTERM, then SIGKILL after a minute). */
    public void stop() {
        process.stop(Duration.ofSeconds(60));
    }

    /** {@code kill -9}. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        stop();
    }

    private static String socket(Path dir) {
        return dir.toAbsolutePath().resolve("mysqld.sock").toString();
    }

    private static void installDatabase(Path dir, Path data) throws IOException {
        List<String> command = new ArrayList<>(List.of("mariadb-install-db", "--no-defaults",
                "--datadir=" + data.toAbsolutePath(), "--skip-test-db", "--auth-root-authentication-method=socket"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--user=root");
        }
        run(command, dir.resolve("install.log"), Duration.ofSeconds(120));
    }

    private void createUser() {
        String sql = "CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'; "
                + "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION; "
                + "CREATE USER IF NOT EXISTS '" + USER + "'@'localhost' IDENTIFIED BY '" + PASSWORD + "'; "
                + "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;";
        run(List.of("mariadb", "--no-defaults", "--socket=" + socket(dir), "-uroot", "-e", sql),
                dir.resolve("install.log"), Duration.ofSeconds(30));
    }

    private void awaitSocket() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            if (Files.exists(Path.of(socket(dir)))) {
                return;
            }
            pause();
        }
        throw new IllegalStateException("MariaDB on port " + port + " did not open its socket; see " + dir);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            requireAlive();
            try (Connection ignored = connect("")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            pause();
        }
        throw new IllegalStateException("MariaDB on port " + port + " not ready; see " + dir, last);
    }

    private void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("MariaDB on port " + port + " exited; see " + dir.resolve("error.log"));
        }
    }

    private static void run(List<String> command, Path logFile, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " failed; see " + logFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
