package com.marketplace.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operating-system process started by the harness, its output in a log file. It can be sent
 * real signals ({@code kill -9}, {@code SIGSTOP}, {@code SIGCONT}, {@code SIGTERM}) and is killed
 * when closed if it still runs.
 */
public final class ManagedProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
    /**
     * The processes started and not yet exited. When this JVM ends (a test run's fork ended by its
     * timeout, a Ctrl-C), a shutdown hook stops every one still running, stopped ones included, so a
     * failed or interrupted run leaves no broker, service or database behind holding ports and data
     * directories that the next run needs.
     */
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration REAP_GRACE = Duration.ofSeconds(10);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ManagedProcess::reapAll, "managed-process-reaper"));
    }

    /** The signals the harness sends. */
    public enum Signal { TERM, KILL, STOP, CONT }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ManagedProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} with {@code env} added to this JVM's environment, standard output and
     * error appended to {@code logFile}.
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            ManagedProcess started = new ManagedProcess(name, process, logFile);
            LIVE.add(started);
            process.onExit().thenRun(() -> LIVE.remove(started));
            log.info("Started {} (pid {}), output in {}", name, process.pid(), logFile);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** CPU seconds used so far by this process (0 once it has exited). */
    public double cpuSeconds() {
        return ProcessCpu.seconds(pid());
    }

    /** Sends a real signal with {@code kill -SIG pid}. */
    public void signal(Signal signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal.name(), Long.toString(pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                log.warn("kill -{} {} ({}) did not succeed", signal, pid(), name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code kill -9} and wait until the process is gone. */
    public void kill() {
        signal(Signal.KILL);
        awaitExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within {@code grace}. A process stopped with
     * SIGSTOP is continued first: it cannot act on SIGTERM while stopped.
     */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        signal(Signal.CONT);
        signal(Signal.TERM);
        if (!awaitExit(grace)) {
            log.warn("{} did not stop within {}: killing it", name, grace);
            kill();
        }
    }

    /** Waits for the process to exit; returns whether it did within {@code timeout}. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The exit code, once exited. */
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(20));
        }
    }

    /** SIGCONT and SIGTERM to every live process, SIGKILL to those still running after {@link #REAP_GRACE}. */
    private static void reapAll() {
        List<ManagedProcess> live = List.copyOf(LIVE);
        live.forEach(p -> {
            p.signal(Signal.CONT);
            p.process.destroy();
        });
        long deadline = System.nanoTime() + REAP_GRACE.toNanos();
        for (ManagedProcess p : live) {
            if (!p.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                p.process.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ")";
    }
}
