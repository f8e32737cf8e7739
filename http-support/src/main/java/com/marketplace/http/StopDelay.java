package com.marketplace.http;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pause between a stop signal and the server's stop ({@code SHUTDOWN_DELAY}), in which the service
 * reports not ready ({@code /health/ready} answers 503) and goes on serving every request, so a load
 * balancer that polls readiness, or that removes the instance when its stop begins, sends it no more
 * requests before its port closes. Without it, requests sent in that window find the port closed.
 * The same as a Kubernetes {@code preStop} sleep, for deployments that cannot give one.
 */
public final class StopDelay {

    /**
     * The longest pause a service accepts. The pause comes on top of the stop itself: give the
     * process that much more grace before it is killed (docs/operations.md, "Stopping").
     */
    public static final Duration MAX = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(StopDelay.class);

    private final Duration delay;
    private final Supplier<Readiness> service;
    private volatile boolean stopping;

    /**
     * @param delay   how long to keep serving after the stop began, 0 to {@link #MAX}
     * @param service the service's own readiness check
     */
    public StopDelay(Duration delay, Supplier<Readiness> service) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("delay must be from 0 to " + MAX + ", was " + delay);
        }
        this.delay = delay;
        this.service = Objects.requireNonNull(service, "service");
    }

    /** The service's readiness, down from the moment {@link #pause()} is called. */
    public Readiness readiness() {
        return stopping ? Readiness.down("stopping") : service.get();
    }

    /**
     * Reports not ready from now on and, when the service was ready, waits the delay while the
     * server goes on answering; a service that was not ready (starting, its database gone, its
     * stream threads dead) gets no requests worth waiting for and stops at once. An interrupt ends
     * the wait early. The same as {@link #begin()} and, when it answers true, {@link #await()}.
     */
    public void pause() {
        if (begin()) {
            await();
        }
    }

    /**
     * Reports not ready from now on, before the service ends any work of its own (a warm-up whose end
     * would make it ready), and answers whether it was ready: whether {@link #await()} is worth it.
     */
    public boolean begin() {
        boolean wasReady = !stopping && service.get().ready();
        stopping = true;
        return wasReady;
    }

    /** Waits the delay, the server answering meanwhile; an interrupt ends the wait early. */
    public void await() {
        if (delay.isZero()) {
            return;
        }
        log.info("Stopping in {} ms: /health/ready answers 503 meanwhile, requests are still served", delay.toMillis());
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
