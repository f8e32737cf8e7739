package com.marketplace.faults;

import com.marketplace.harness.HttpService;
import com.marketplace.harness.ManagedProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of the project's jars run as a process, restartable on the same port and environment: each
 * start is a new process appending to the same log file.
 */
public final class JarService implements AutoCloseable {

    /** Small heaps and a serial collector: several JVMs share two cores. */
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC");
    /** Prefix of the system properties that add JVM options to the processes of one name. */
    static final String EXTRA_OPTIONS_PROPERTY = "faults.jvm.";

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final Path dir;
    private HttpService current;

    JarService(String name, Path jar, int port, Map<String, String> env, Path dir) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.env = Map.copyOf(env);
        this.dir = dir;
    }

    /** Starts a new process (the previous one must be gone); does not wait for readiness. */
    public JarService start() {
        if (current != null && current.process().isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        current = HttpService.start(name, jar, port, env, jvmOptions(name), dir);
        return this;
    }

    /**
     * {@link #JVM_OPTIONS}, then those of the system property {@code faults.jvm.<name>}
     * (space-separated; e.g. {@code -Dfaults.jvm.streams=-XX:SharedArchiveFile=streams.jsa}), for
     * comparing a JVM setting within the suite.
     */
    static List<String> jvmOptions(String name) {
        List<String> options = new ArrayList<>(JVM_OPTIONS);
        String extra = System.getProperty(EXTRA_OPTIONS_PROPERTY + name, "").strip();
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        return options;
    }

    /** Waits until {@code /health/ready} answers 200; returns how long it took. */
    public Duration awaitReady(Duration timeout) {
        return current.awaitReady(timeout);
    }

    public ManagedProcess process() {
        return current.process();
    }

    public boolean running() {
        return current != null && current.process().isAlive();
    }

    /** {@code kill -9}, waiting until the process is gone. */
    public void kill() {
        current.process().kill();
    }

    public void signal(ManagedProcess.Signal signal) {
        current.process().signal(signal);
    }

    /** The status of {@code GET path}, -1 when nothing answers. */
    public int status(String path) {
        return current.status(path);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return dir.resolve(name + ".log");
    }

    /** Lines of the log file (all starts) containing {@code text}. */
    public List<String> logLines(String text) {
        try {
            return Files.readAllLines(logFile()).stream().filter(line -> line.contains(text)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Ends the process with {@code kill -9}: the checks are done, a graceful stop would only cost time. */
    @Override
    public void close() {
        if (current != null && current.process().isAlive()) {
            current.process().kill();
        }
    }
}
