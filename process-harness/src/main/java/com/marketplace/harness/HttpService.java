package com.marketplace.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One of the project's services (order-gateway, streams-app) running from its jar as a process of
 * its own, configured by environment variables and reached over HTTP on a loopback port.
 */
public final class HttpService implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ManagedProcess process;
    private final int port;

    private HttpService(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code jar} with {@code env} (which must set {@code HTTP_PORT} to {@code port}); output
     * goes to {@code <dir>/<name>.log}. Does not wait: see {@link #awaitReady(Duration)}.
     */
    public static HttpService start(String name, Path jar, int port, Map<String, String> env, List<String> jvmOptions,
            Path dir) {
        return new HttpService(ManagedProcess.start(name, JavaCommand.jar(jar, jvmOptions), env,
                dir.resolve(name + ".log")), port);
    }

    public ManagedProcess process() {
        return process;
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * Waits until {@code GET /health/ready} answers 200.
     *
     * @return how long it took
     * @throws IllegalStateException if the process exits or the time runs out first
     */
    public Duration awaitReady(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process + " exited with " + process.exitValue() + "; see "
                        + process.logFile());
            }
            if (status("/health/ready") == 200) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            pause();
        }
        throw new IllegalStateException(process + " not ready within " + timeout + "; see " + process.logFile());
    }

    /** The status code of {@code GET path}, or -1 when the service does not answer. */
    public int status(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The body of {@code GET path} when it answers 200.
     *
     * @throws IllegalStateException when the service does not answer or answers another status
     */
    public String get(String path) {
        try {
            HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).GET().build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " of " + process + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " of " + process + " failed", e);
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

    @Override
    public void close() {
        process.close();
    }
}
