package com.marketplace.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.config.RoutesConfig;
import io.javalin.event.LifecycleEventListener;
import io.javalin.http.Handler;
import io.javalin.util.JavalinException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a service, set up the same way for every API: request size limit, a short
 * idle timeout (a client that stops sending mid-request is cut off after {@link #IDLE_TIMEOUT},
 * not after Jetty's 30 s), method override off, every error as problem+json — also those Jetty
 * raises before routing — request timings in {@code http_server_requests}, and the routes
 * {@code /health/live}, {@code /health/ready} and {@code /metrics}. The service adds its own
 * routes and exception mappings; {@link #build()} returns the server, not started.
 */
public final class ApiServer {

    /** How long a connection may stay silent mid-request (or idle between requests) before it is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    /** Default request size limit. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
    /**
     * How long stopping waits for the requests in flight by default: longer than any request of the
     * services takes (their database statements and forwarded queries are bounded by a few seconds),
     * so that a SIGTERM answers every order that has begun rather than cutting its connection, after
     * which a client could not tell whether the order was written.
     */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    /** Default limit of a request's line and headers: Jetty's own. */
    public static final int DEFAULT_MAX_REQUEST_HEADER_BYTES = 8 * 1024;
    /**
     * The buffer Javalin copies an answer's bytes through on their way to Jetty, allocated anew for
     * every answer. Javalin's default is Jetty's output buffer size, 32 KiB: at a few thousand orders
     * a second that buffer was 57 % of every byte the gateway allocated and its zeroing 11 % of the
     * gateway's CPU samples, for answers of a few hundred bytes. A larger answer takes several
     * copies through it. Javalin decides whether to gzip an answer by the size of its first write,
     * so the buffer is never smaller than the compression threshold.
     */
    static final int RESPONSE_COPY_BYTES = 4 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final ApiJson json;
    private final PrometheusMeterRegistry registry;
    private final ProblemResponses problems;
    private final List<Consumer<RoutesConfig>> routes = new ArrayList<>();
    private Supplier<Readiness> readiness = () -> Readiness.up(Map.of());
    private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
    private int maxRequestHeaderBytes = DEFAULT_MAX_REQUEST_HEADER_BYTES;
    private Duration stopGrace = DEFAULT_STOP_GRACE;

    private ApiServer(ApiJson json, PrometheusMeterRegistry registry) {
        this.json = Objects.requireNonNull(json, "json");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.problems = new ProblemResponses(json::write);
    }

    /** A server answering JSON with {@code json} and exposing {@code registry} on {@code /metrics}. */
    public static ApiServer with(ApiJson json, PrometheusMeterRegistry registry) {
        return new ApiServer(json, registry);
    }

    /** The largest request (body included) the server accepts; larger ones are answered 413. */
    public ApiServer maxRequestBytes(long bytes) {
        this.maxRequestBytes = bytes;
        return this;
    }

    /**
     * The largest request line and headers the server accepts (Jetty's {@code requestHeaderSize},
     * 8 KiB unless set); larger ones are answered 414 or 431.
     */
    public ApiServer maxRequestHeaderBytes(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxRequestHeaderBytes must be positive, was " + bytes);
        }
        this.maxRequestHeaderBytes = bytes;
        return this;
    }

    /**
     * How long {@link #stop(Javalin)} waits for the requests in flight to be answered (default
     * {@link #DEFAULT_STOP_GRACE}). The server stops accepting connections at once and answers any
     * new request on an open connection 503; a request still running after the grace is cut off.
     */
    public ApiServer stopGrace(Duration grace) {
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("stopGrace must be positive, was " + grace);
        }
        this.stopGrace = grace;
        return this;
    }

    /**
     * Starts {@code server} built here on {@code port} (0: a free one), listening on {@code host}
     * ({@code HTTP_HOST}) or, without one, on every interface.
     */
    public static void start(Javalin server, Optional<String> host, int port) {
        if (host.isPresent()) {
            server.start(host.get(), port);
        } else {
            server.start(port);
        }
    }

    /**
     * Stops {@code server} built here: it stops accepting at once, waits up to the grace for the
     * requests in flight, then closes every connection. Jetty reports requests that outlast the
     * grace by throwing after it has stopped; that is logged here, not thrown, so that the caller
     * goes on to close what the requests used.
     */
    public static void stop(Javalin server) {
        try {
            server.stop();
        } catch (JavalinException e) {
            log.warn("HTTP server stopped with requests still running after the grace; they were cut off ({})",
                    String.valueOf(e.getCause()));
        }
    }

    /** What {@code /health/ready} reports. */
    public ApiServer readiness(Supplier<Readiness> check) {
        this.readiness = Objects.requireNonNull(check, "check");
        return this;
    }

    /**
     * The service's routes and exception mappings; {@code registration} gets the routes
     * configuration and may write problems with {@link #problems()}.
     */
    public ApiServer routes(Consumer<RoutesConfig> registration) {
        routes.add(Objects.requireNonNull(registration, "registration"));
        return this;
    }

    /**
     * Registers {@code handler} for both GET and HEAD on {@code path}; every readable route of a
     * service is registered so. A HEAD that only a GET route matches is answered by Javalin with
     * an empty {@code 200} without running the route, so a readiness probe by HEAD would find an
     * instance ready whose database is down, and a HEAD of an order that does not exist would
     * find it. With its own route the HEAD gets the GET's status and headers; Jetty leaves out the
     * body.
     */
    public static void getAndHead(RoutesConfig routes, String path, Handler handler) {
        routes.get(path, handler);
        routes.head(path, handler);
    }

    /** The problem writer of this server, for the service's exception mappings. */
    public ProblemResponses problems() {
        return problems;
    }

    /**
     * Gzip as Javalin's default does it (answers of 1,500 bytes or more, when the client accepts it),
     * with the content types this server writes listed as allowed. Javalin decides on every answer
     * whether its type may be compressed before it looks at the size; a listed type is found by one
     * equality test instead of a case-insensitive search for each excluded type (images, archives),
     * which took about 2 % of a request thread's time for answers that are never compressed.
     */
    static CompressionStrategy compression() {
        CompressionStrategy gzip = new CompressionStrategy(null, new Gzip());
        List<String> allowed = new ArrayList<>(gzip.getAllowedMimeTypes());
        allowed.addAll(List.of(ApiJson.CONTENT_TYPE, Problem.CONTENT_TYPE, MetricsController.PROMETHEUS_TEXT));
        gzip.setAllowedMimeTypes(List.copyOf(allowed));
        return gzip;
    }

    /**
     * The configured server, not started. Once started, its registry gets the JVM's and the
     * process's meters ({@link JvmMetrics}) as well as the requests'.
     */
    public Javalin build() {
        HealthController health = new HealthController(readiness, json);
        MetricsController metrics = new MetricsController(registry);
        HttpMetrics httpMetrics = new HttpMetrics(registry);
        ProblemErrorHandler errorPages = new ProblemErrorHandler(problems);
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            // bound when the server starts, not here: a server that is built and never started (its
            // service failed to start, or was stopped first) sends no event that would unbind them
            AtomicReference<AutoCloseable> jvmMetrics = new AtomicReference<>(() -> { });
            cfg.events.serverStarting(() -> jvmMetrics.set(JvmMetrics.bindTo(registry)));
            // whichever way a started server ends (closing twice does nothing)
            LifecycleEventListener unbind = () -> jvmMetrics.get().close();
            cfg.events.serverStopped(unbind);
            cfg.events.serverStopFailed(unbind);
            cfg.events.serverStartFailed(unbind);
            cfg.http.maxRequestSize = maxRequestBytes;
            // a path that other methods serve answers 405 with an Allow header, not 404
            cfg.http.prefer405over404 = true;
            CompressionStrategy compression = compression();
            cfg.http.compressionStrategy = compression;
            cfg.http.responseBufferSize =
                    Math.max(RESPONSE_COPY_BYTES, compression.getDefaultMinSizeForCompression());
            cfg.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(maxRequestHeaderBytes));
            cfg.jetty.modifyServer(server -> {
                // The idle timeout is the connectors', not HttpConfiguration's: Jetty gives a request
                // HttpConfiguration's and puts the connection's back when it ends, over the short one a
                // stop gives every connection, so a connection whose request ended during the stop stayed
                // open past the grace and the stop failed. Javalin adds its connector after this runs.
                server.addEventListener(new LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(LifeCycle event) {
                        for (Connector connector : server.getConnectors()) {
                            if (connector instanceof AbstractConnector network) {
                                network.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                            }
                        }
                    }
                });
                server.setErrorHandler(errorPages);
                // Javalin puts its context inside a wrapper the server already has: the graceful
                // handler counts the requests in flight, and stop() waits for them (up to the grace)
                server.setHandler(new GracefulHandler());
                server.setStopTimeout(stopGrace.toMillis());
            });
            cfg.jetty.modifyServletContextHandler(context -> {
                context.setErrorHandler(errorPages);
                context.addFilter(new FilterHolder(new MethodOverrideFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            cfg.requestLogger.http(httpMetrics::record);
            problems.register(cfg.routes);
            routes.forEach(registration -> registration.accept(cfg.routes));
            getAndHead(cfg.routes, HealthController.LIVE_PATH, health::live);
            getAndHead(cfg.routes, HealthController.READY_PATH, health::ready);
            getAndHead(cfg.routes, MetricsController.PATH, metrics::scrape);
        });
    }
}
