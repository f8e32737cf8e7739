package com.marketplace.harness;

import com.marketplace.kafka.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server of the harness's own: {@code mariadb-install-db} into a directory, then
 * {@code mariadbd} as a {@link ManagedProcess} on a free loopback port. It can be stopped, killed and
 * started again on the same port and data, without touching any other server on the machine.
 *
 * <p>JDBC clients log in as {@link #USER} with a password (Connector/J cannot use the
 * {@code unix_socket} authentication of a stock root account); the user may do anything.
 */
public final class MariaDbServer implements AutoCloseable {

    public static final String USER = "harness";
    public static final String PASSWORD = "harness-password";

    private static final Logger log = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
    private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String OWNER_LOCK = "owner.lock";
    private static final Set<Path> OWNED_HERE = ConcurrentHashMap.newKeySet();
    private static final Duration OWN_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration OWN_SOCKET_TIMEOUT = Duration.ofSeconds(60);
    /** The prefix of each server's directory for its socket in the temporary directory ({@link #socket()}). */
    private static final String SOCKET_DIR_PREFIX = "mariadb-harness-";
    private static final String SOCKET_NAME = "mysqld.sock";
    /** The longest path a Unix socket may have (108 bytes with the terminating zero). */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private final FileChannel owner;
    /** This server's directory for its socket, its own for its whole life, restarts included. */
    private final Path socketDir;
    private ManagedProcess process;

    private MariaDbServer(Path dir, int port, List<String> extraArgs, FileChannel owner) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.owner = owner;
        this.socketDir = socketDir();
    }

    /**
     * A new directory of this user's alone in the temporary directory, for the server's Unix socket:
     * nothing of the harness connects through it, but the data directory of a deep checkout would make
     * the socket's path longer than a socket's may be. Its own directory, not a name made of the port:
     * another server may be given the port while this one is stopped, and would take the same path.
     */
    private static Path socketDir() {
        try {
            Path created = Files.createTempDirectory(SOCKET_DIR_PREFIX);
            int length = created.resolve(SOCKET_NAME).toString().getBytes(StandardCharsets.UTF_8).length;
            if (length > MAX_SOCKET_PATH_BYTES) {
                Files.delete(created);
                throw new IllegalStateException("the temporary directory " + created.getParent() + " is too deep"
                        + " for a Unix socket (" + length + " bytes of at most " + MAX_SOCKET_PATH_BYTES
                        + "): set java.io.tmpdir to a shorter path");
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for MariaDB's socket", e);
        }
    }

    /**
     * Takes the directory for this JVM: an operating-system lock on {@value #OWNER_LOCK}, held until
     * {@link #close()}. The lock ends with the JVM however it ends, so a run that can take it knows
     * that a server it finds on the directory was left by a run that has ended
     * ({@link #stopStaleServer}), and one that cannot take it does not touch another run's server.
     * The directories held in this JVM are refused before the file is opened: closing any descriptor
     * of the file would release this process's lock.
     */
    private static FileChannel own(Path dir) {
        if (!OWNED_HERE.add(dir)) {
            throw new IllegalStateException("a MariaDB server of this JVM already runs on " + dir);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (IOException e) {
            disown(dir, channel);
            throw new UncheckedIOException("cannot take " + dir.resolve(OWNER_LOCK), e);
        }
        disown(dir, channel);
        throw new IllegalStateException("another run is using the MariaDB directory " + dir + " (it holds "
                + OWNER_LOCK + ")");
    }

    private static void disown(Path dir, FileChannel owner) {
        try {
            if (owner != null) {
                owner.close();
            }
        } catch (IOException e) {
            log.warn("Could not release {}: {}", dir.resolve(OWNER_LOCK), e.toString());
        } finally {
            OWNED_HERE.remove(dir);
        }
    }

    /**
     * Creates a data directory under {@code dir} (if there is none yet), starts the server on a free
     * port, waits until it answers and creates {@link #USER}.
     *
     * @throws IllegalStateException when MariaDB is not installed or does not start in time
     */
    public static MariaDbServer start(Path dir) {
        return start(dir, 0, List.of());
    }

    /**
     * Like {@link #start(Path)} on {@code port} (0: a free one), with further {@code mariadbd}
     * options, e.g. the binary log a change-data-capture reader needs ({@code --log-bin},
     * {@code --server-id}, {@code --binlog-format=ROW}); without {@code --log-bin} the binary log is off.
     */
    public static MariaDbServer start(Path dir, int port, List<String> extraArgs) {
        FileChannel owner = own(dir.toAbsolutePath());
        MariaDbServer server;
        try {
            install(dir.toAbsolutePath()); // first: it may take a minute, and a free port is taken just before it is bound
            server = new MariaDbServer(dir, port == 0 ? FreePorts.next() : port, extraArgs, owner);
        } catch (RuntimeException e) {
            disown(dir.toAbsolutePath(), owner);
            throw e;
        }
        try {
            server.launch();
            server.awaitUp(START_TIMEOUT, "root", "");
            server.createUser();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /**
     * The environment variable that makes missing server binaries a failure of every test that needs
     * a server of its own, instead of a reason to skip it: CI sets it ({@code .ci/run}), so a machine
     * with only a JDK and Maven can run the build while CI cannot pass without these tests.
     */
    public static final String REQUIRED_ENV = "TEST_MARIADB_REQUIRED";

    /** Why {@link #testsCanRun()} said no, for the skipped test's report. */
    public static final String NOT_INSTALLED = "MariaDB's server binaries (" + SERVER + ", " + INSTALL_DB
            + ") are not installed (package mariadb-server); set " + REQUIRED_ENV + "=true to fail instead of skipping";

    /** Whether this machine has MariaDB's server binaries. */
    public static boolean installed() {
        return Files.isExecutable(INSTALL_DB) && Files.isExecutable(SERVER);
    }

    /**
     * Whether a test that starts a server of its own should run here: the binaries are installed, or
     * {@value #REQUIRED_ENV}{@code =true} demands them (then {@link #start} fails, naming the package).
     * Tests skip themselves when it is false: {@code assumeTrue(MariaDbServer.testsCanRun(), MariaDbServer.NOT_INSTALLED)}.
     */
    public static boolean testsCanRun() {
        return installed() || Boolean.parseBoolean(System.getenv(REQUIRED_ENV));
    }

    public int port() {
        return port;
    }

    /** The running server process, or null while it is down. */
    public ManagedProcess process() {
        return process;
    }

    /** {@code jdbc:mysql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/<database>}: the same database through MariaDB Connector/J. */
    public String mariadbJdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /**
     * The URL of the harness's own connections: bounded, so that a check made while the server is
     * stopped ({@code SIGSTOP}) or hung fails after a while instead of waiting for ever in the
     * handshake or a read. The services under test get {@link #jdbcUrl} and their own settings.
     */
    private String ownUrl(String database) {
        return jdbcUrl(database) + "?connectTimeout=" + OWN_CONNECT_TIMEOUT.toMillis()
                + "&socketTimeout=" + OWN_SOCKET_TIMEOUT.toMillis();
    }

    /** A new connection to {@code database} as {@link #USER}, bounded as {@link #ownUrl} says. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(ownUrl(database), USER, PASSWORD);
    }

    /** Drops {@code database} if it exists and creates it empty. */
    public void recreateDatabase(String database) {
        try (Connection conn = DriverManager.getConnection(ownUrl(""), USER, PASSWORD);
                Statement st = conn.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS `" + database + "`");
            st.execute("CREATE DATABASE `" + database + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
    }

    /** Clean shutdown (SIGTERM), waiting until the process has exited. */
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(60));
            process = null;
        }
    }

    /** {@code kill -9}: the server loses whatever was not yet durable, as in a power cut of the process. */
    public void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Whether the server process is up (started, not stopped, not exited). */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the server again on the same port and data directory and waits until it answers. A
     * process still there (one that stopped answering) is killed first, and one that does not come up
     * is killed before this throws: two servers never share the data directory, and the next restart
     * starts from nothing running.
     */
    public Duration restart() {
        long start = System.nanoTime();
        if (process != null && process.isAlive()) {
            process.kill();
        }
        process = null;
        launch();
        try {
            awaitUp(START_TIMEOUT, USER, PASSWORD);
        } catch (RuntimeException e) {
            kill();
            throw e;
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void install(Path dir) {
        if (!installed()) {
            throw new IllegalStateException("MariaDB server binaries not found (" + SERVER + ", " + INSTALL_DB
                    + "): install the mariadb-server package");
        }
        Path data = dir.resolve("data");
        if (Files.isDirectory(data.resolve("mysql"))) {
            return;
        }
        try {
            Files.createDirectories(dir);
            List<String> command = new ArrayList<>(List.of(INSTALL_DB.toString(), "--no-defaults",
                    "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"));
            command.addAll(userOption());
            Process install = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("install.log").toFile()).start();
            if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
                install.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db failed; see " + dir.resolve("install.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void launch() {
        stopStaleServer();
        List<String> command = new ArrayList<>(List.of(SERVER.toString(), "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--port=" + port,
                "--socket=" + socket(),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--bind-address=127.0.0.1",
                "--max-connections=500",
                "--innodb-buffer-pool-size=128M",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci"));
        if (extraArgs.stream().noneMatch(arg -> arg.startsWith("--log-bin"))) {
            command.add("--skip-log-bin");
        }
        command.addAll(extraArgs);
        command.addAll(userOption());
        process = ManagedProcess.start("mariadb", command, Map.of(), dir.resolve("server.log"));
    }

    /** The server's Unix socket, in its own directory ({@link #socketDir()}). */
    private Path socket() {
        return socketDir.resolve(SOCKET_NAME);
    }

    /**
     * Kills a server that a run before this one left on this data directory (its JVM killed with
     * {@code kill -9} before it could stop it): it would hold the directory's files, and this one could
     * not start. This JVM owns the directory ({@link #own}), so no live run's server is there; and only
     * a {@code mariadbd} whose command line names this data directory is killed.
     */
    private void stopStaleServer() {
        Path pidFile = dir.resolve("mysqld.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> stale = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            if (stale.isEmpty() || !Files.isReadable(cmdline)) {
                return;
            }
            List<String> command = List.of(Files.readString(cmdline).split("\0"));
            if (command.stream().anyMatch(arg -> arg.endsWith("mariadbd"))
                    && command.contains("--datadir=" + dir.resolve("data"))) {
                log.warn("Killing a MariaDB server (pid {}) left running on {} by an earlier run", pid, dir);
                if (stale.get().destroyForcibly()) {
                    stale.get().onExit().get(30, TimeUnit.SECONDS);
                    // not this server's own (a restart after a kill that timed out): it is about to use it
                    command.stream().filter(arg -> arg.startsWith("--socket="))
                            .map(arg -> Path.of(arg.substring("--socket=".length())))
                            .filter(leftover -> !leftover.equals(socket()))
                            .forEach(MariaDbServer::deleteSocket);
                } else {
                    log.warn("Could not kill pid {}: the server started now will not get the directory", pid);
                }
            }
        } catch (IOException | NumberFormatException | ExecutionException | TimeoutException e) {
            log.warn("Could not check for a MariaDB server left on {}: {}", dir, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Deletes a socket of the harness's (a killed server leaves it behind) and its directory: only a
     * path of the harness's making, {@value #SOCKET_NAME} in a directory named {@value #SOCKET_DIR_PREFIX}…
     */
    private static void deleteSocket(Path socket) {
        Path parent = socket.getParent();
        if (!socket.getFileName().toString().equals(SOCKET_NAME) || parent == null
                || !parent.getFileName().toString().startsWith(SOCKET_DIR_PREFIX)) {
            log.debug("Not deleting {}: not a socket of the harness's", socket);
            return;
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(parent);
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", socket, e.toString());
        }
    }

    /** mariadbd refuses to run as root unless told to. */
    private static List<String> userOption() {
        return "root".equals(System.getProperty("user.name")) ? List.of("--user=root") : List.of();
    }

    private void awaitUp(Duration timeout, String user, String password) {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("mariadbd exited with " + process.exitValue() + "; see "
                        + process.logFile());
            }
            try (Connection conn = DriverManager.getConnection(ownUrl(""), user, password)) {
                log.info("MariaDB ready on 127.0.0.1:{} (data in {})", port, dir);
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("MariaDB on port " + port + " not up within " + timeout, last);
    }

    private void createUser() {
        try (Connection conn = DriverManager.getConnection(ownUrl(""), "root", "");
                Statement st = conn.createStatement()) {
            for (String host : List.of("127.0.0.1", "localhost")) {
                st.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'" + host + "' IDENTIFIED BY '" + PASSWORD + "'");
                st.execute("GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'" + host + "' WITH GRANT OPTION");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the harness user", e);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.warn("Could not stop MariaDB cleanly: {}", e.toString());
            kill();
        } finally {
            try {
                deleteSocket(socket()); // a server killed leaves it behind
            } finally {
                disown(dir, owner);
            }
        }
    }
}
