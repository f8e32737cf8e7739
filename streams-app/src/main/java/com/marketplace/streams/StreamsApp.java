package com.marketplace.streams;

import com.marketplace.events.EventCodec;
import com.marketplace.http.ApiJson;
import com.marketplace.kafka.errors.Causes;
import com.marketplace.kafka.metrics.KafkaClientMeters;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.http.ApiServer;
import com.marketplace.http.ClientInput;
import com.marketplace.http.Problem;
import com.marketplace.http.Readiness;
import com.marketplace.http.StopDelay;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.dedupe.DroppedDuplicates;
import com.marketplace.streams.http.QueryApiProblems;
import com.marketplace.streams.http.Routes;
import com.marketplace.streams.http.StatsController;
import com.marketplace.streams.query.HttpForwarder;
import com.marketplace.streams.query.InstanceSecret;
import com.marketplace.streams.query.QueryPaths;
import com.marketplace.streams.query.StoreQueries;
import com.marketplace.streams.query.StoreUnavailableException;
import com.marketplace.streams.query.UnknownPartitionException;
import com.marketplace.streams.stats.QueryablePartitions;
import com.marketplace.streams.topology.InputPartitionCount;
import com.marketplace.streams.topology.OrderTopology;
import io.javalin.Javalin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streams-app instance wired together: the topology in a {@link KafkaStreams} client, the
 * interactive-query HTTP API over its stores, and the metrics registry. {@link #create} builds
 * everything and starts nothing; {@link #start()} creates missing topics while it starts serving HTTP
 * (queries answer 503 until the client is RUNNING) and warms the JIT up ({@link JitWarmUp}), then
 * starts Kafka Streams; {@link #stop()} closes both.
 *
 * <p>{@code APPLICATION_SERVER} must name the host and port other instances reach this
 * instance's HTTP server on: keyed queries are forwarded there.
 */
public final class StreamsApp {

    /** Bound of a forwarded query's connect and of the whole request. */
    public static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsAppConfig config;
    private final PrefetchingClientSupplier clients;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry meterRegistry;
    private final KafkaClientMeters<KafkaStreamsMetrics> streamsMetrics;
    private final InstanceSecret secret;
    private final StoreQueries queries;
    private final StopDelay stopDelay;
    private final Javalin javalin;
    private final RunningMarker running;
    private final StateLayout layout;
    /** Learnt from the topic check before Kafka Streams starts; the decode step checks partitions by it. */
    private final InputPartitionCount inputPartitions = new InputPartitionCount();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Orders the start of Kafka Streams against its close: one never overtakes the other. */
    private final Object lifecycle = new Object();
    private boolean streamsStarted;
    /** Begun by the start; until it is done the instance reports not ready ({@link JitWarmUp}). */
    private volatile JitWarmUp warmUp;

    private StreamsApp(StreamsAppConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        QueryablePartitions queryablePartitions = new QueryablePartitions();
        DroppedDuplicates droppedDuplicates = new DroppedDuplicates();
        Topology topology = OrderTopology.build(config, queryablePartitions, droppedDuplicates, inputPartitions);
        this.clients = new PrefetchingClientSupplier(topology.describe(), config.applicationId());
        HostInfo self = HostInfo.buildFromEndpoint(config.applicationServer());
        this.secret = InstanceSecret.of(config.instanceSecret(), config.applicationId());
        this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.stopDelay = new StopDelay(config.shutdownDelay(), this::readiness);
        this.running = new RunningMarker(config.stateDir(), config.applicationId());
        this.layout = new StateLayout(config.stateDir(), config.applicationId());
        // from here the client holds its threads' clients and the state directory: closed if what follows fails
        this.streams = new KafkaStreams(topology, config.toStreamsProperties(), clients);
        try {
            this.streamsMetrics = KafkaClientMeters.of(
                    (scheduler, every) -> new KafkaStreamsMetrics(streams, List.of(), scheduler, every));
            registerDedupeDrops(droppedDuplicates);
            this.queries = new StoreQueries(streams, self, new HttpForwarder(self, secret, FORWARD_TIMEOUT),
                    Clock.systemUTC(), queryablePartitions);
            this.javalin = createJavalin();
            streams.setUncaughtExceptionHandler(this::onStreamThreadDied);
            streams.setStateListener(this::onStateChange);
        } catch (RuntimeException | Error e) {
            try {
                streams.close(CLOSE_TIMEOUT); // not at once: a close that does not wait runs on a daemon thread
            } catch (RuntimeException | Error closing) {
                e.addSuppressed(closing);
            }
            meterRegistry.close();
            throw e;
        }
    }

    private StreamThreadExceptionResponse onStreamThreadDied(Throwable e) {
        if (Causes.include(e, FencedInstanceIdException.class)) {
            // the group's static member id is named after APPLICATION_SERVER (StreamsAppConfig)
            log.error("another instance of {} joined the group with this instance's APPLICATION_SERVER {}:"
                    + " shutting down this instance. Either a second instance was given the same address (give"
                    + " every instance its own, the one the others reach it at) or this one's replacement"
                    + " started while it still ran", config.applicationId(), config.applicationServer());
        }
        log.error("stream thread died; shutting down this instance", e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Builds the instance for {@code config}; nothing runs until {@link #start()}. */
    public static StreamsApp create(StreamsAppConfig config) {
        return new StreamsApp(config);
    }

    private void registerDedupeDrops(DroppedDuplicates drops) {
        FunctionCounter.builder("dedupe.dropped.events", drops, DroppedDuplicates::total)
                .description("Order events dropped as duplicates of an eventId already seen")
                .register(meterRegistry);
    }

    private Javalin createJavalin() {
        ApiJson json = new ApiJson(EventCodec.newMapper());
        StatsController stats = new StatsController(queries, secret, json);
        ApiServer server = ApiServer.with(json, meterRegistry).readiness(stopDelay::readiness)
                .maxRequestHeaderBytes(QueryPaths.MAX_REQUEST_HEADER_BYTES);
        return server.routes(routes -> {
            // store unavailable (rebalancing, owner unreachable): 503 with Retry-After
            routes.exception(StoreUnavailableException.class, (e, ctx) -> {
                log.debug("answering 503 to {} {}: {}", ctx.method(), ClientInput.quote(ctx.path()), e.getMessage());
                server.problems().unavailable(ctx, e.clientDetail());
            });
            // a partition that does not exist will not exist on a retry either
            server.problems().map(routes, UnknownPartitionException.class,
                    e -> Problem.of(QueryApiProblems.INVALID_PARAMETER, e.getMessage()));
            Routes.register(routes, stats);
        }).build();
    }

    /** Ready when Kafka Streams is RUNNING and the JIT warm-up begun with the start is over. */
    private Readiness readiness() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return Readiness.down("streams is " + state + ", not RUNNING");
        }
        JitWarmUp current = warmUp;
        if (current != null && !current.done()) {
            return Readiness.down("warming up the JIT: " + current.piped() + " of " + current.events()
                    + " synthetic events run through the topology");
        }
        return Readiness.up(Map.of("streams", state.name()));
    }

    /** Whether the stream threads have processed any input record since the start (their {@code process-total}). */
    private boolean processedRealEvents() {
        return streams.metrics().entrySet().stream()
                .filter(e -> "stream-thread-metrics".equals(e.getKey().group()) && "process-total".equals(e.getKey().name()))
                .anyMatch(e -> e.getValue().metricValue() instanceof Number n && n.doubleValue() > 0);
    }

    private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        log.info("streams state {} -> {}", oldState, newState);
        if (newState == KafkaStreams.State.RUNNING) {
            clients.running();
        }
        if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
            terminated.countDown();
        }
    }

    /**
     * Creates missing topics while the HTTP server starts on {@code HTTP_PORT} (0 = a free port, see
     * {@link #port()}), then starts Kafka Streams. {@code APPLICATION_SERVER} should name the port
     * actually served. The HTTP server comes first: {@code /health/live} answers from then on, and
     * a port already taken (e.g. a second copy of this instance) fails the start before the
     * instance joins its group under its static member id.
     *
     * @throws CoPartitioningException when the two order topics have different partition counts
     * @throws IllegalStateException when the broker cannot be reached to prepare the topics, when
     *                               RocksDB's native library cannot be loaded, or when
     *                               {@link #stop()} came first
     */
    public StreamsApp start() {
        requireNotStopped();
        return start(config.httpPort(), TopicCheck.begin(config), RocksDbLibrary.preload(config.stateDir()));
    }

    /**
     * As {@link #start()} on {@code port}, with a topic check and RocksDB's library begun earlier (see {@link Main}).
     * A start that fails stops what it started (the HTTP server, the JIT warm-up), so a process that
     * embeds the app and goes on is not left serving a port.
     */
    StreamsApp start(int port, TopicCheck topics, RocksDbLibrary rocksDb) {
        requireNotStopped();
        try {
            return startChecked(port, topics, rocksDb);
        } catch (RuntimeException | Error e) {
            try {
                stop();
                // a stop() that ran while this started may have come before the warm-up or the server it began
                endStartedWork();
            } catch (RuntimeException stopping) {
                e.addSuppressed(stopping); // the start's own failure is the one to report
            }
            throw e;
        }
    }

    /** Stops the JIT warm-up and the HTTP server, whichever of them runs; both stops may be repeated. */
    private void endStartedWork() {
        JitWarmUp current = warmUp;
        if (current != null) {
            current.stop();
        }
        ApiServer.stop(javalin);
    }

    private StreamsApp startChecked(int port, TopicCheck topics, RocksDbLibrary rocksDb) {
        warmUp = JitWarmUp.begin(config, rocksDb, this::processedRealEvents);
        ApiServer.start(javalin, config.httpHost(), port);
        // stop() begins by setting the flag: one that ran before the server started is seen here
        requireNotStopped();
        TopicCheck.Checked checked = topics.await();
        inputPartitions.set(checked.orderTopicPartitions());
        rocksDb.await();
        log.info("starting {} ({}), state dir {}, queries on port {} as {}", config.applicationId(),
                config.processingGuarantee(), config.stateDir().toAbsolutePath(), javalin.port(),
                config.applicationServer());
        if (!secret.configured()) {
            log.info("INSTANCE_SECRET is not set: forwarded queries are marked with the application id {}, which any"
                    + " client that knows it can present; set the same INSTANCE_SECRET on every instance where others"
                    + " reach the query port", config.applicationId());
        }
        synchronized (lifecycle) {
            if (stopped.get()) {
                throw new IllegalStateException("stopped before Kafka Streams started");
            }
            discardLocalStateThatCannotBeKept(checked.clusterId());
            layout.write(config.dedupeRetention(), checked.clusterId());
            running.write();
            streamsStarted = true;
            streams.start();
            // a meter per client metric, a few hundred: registered while the group forms, not before the start
            streamsMetrics.bindTo(meterRegistry);
        }
        return this;
    }

    private void requireNotStopped() {
        if (stopped.get()) {
            throw new IllegalStateException("stopped before it started");
        }
    }

    /**
     * Deletes the local state, so that Kafka Streams rebuilds it from the changelogs at once, when
     * it cannot be kept: under exactly_once_v2 when the last run did not stop cleanly (its
     * {@link RunningMarker} is still there), and under either guarantee when it was laid out for
     * another {@code DEDUPE_RETENTION} or built from another Kafka cluster than {@code clusterId}'s
     * ({@link StateLayout}).
     *
     * <p>After a crash under exactly_once_v2 Kafka Streams treats a task as corrupted, and wipes
     * and restores it, when a store of the task holds data but no committed changelog offset: the
     * data may include writes of a transaction that was aborted. This app does not set
     * {@code enable.transactional.statestores}, and every task here has such a store; even with
     * that setting on, Kafka Streams 4.4 still found the dedupe window store without an offset and
     * wiped every task (measured with the fault suite). So after a crash all local state is
     * discarded in any case, and doing it up front spares opening every store twice (first for the
     * start-up registration of local tasks, then on the stream thread) only to find it corrupted
     * each time: about 3 s of a restart on a busy 2-core machine. Correctness never rests on the
     * marker: should it be missing after a crash (the first start of this version), Kafka Streams'
     * own check still discards what is not known to be committed. Under at_least_once the state is
     * kept after a crash and restored from its checkpoints.
     */
    private void discardLocalStateThatCannotBeKept(String clusterId) {
        if (!running.hasTaskState()) {
            return;
        }
        if (config.exactlyOnce() && running.present()) {
            log.info("the last run of {} did not stop cleanly: deleting its local state, which exactly_once_v2 "
                    + "discards after a crash anyway; it is rebuilt from the changelog topics", config.applicationId());
            streams.cleanUp();
        } else if (layout.isForAnotherRetention(config.dedupeRetention())) {
            log.info("the local state of {} was kept with another DEDUPE_RETENTION, which dedupe-store cannot open "
                    + "without forgetting eventIds: deleting it; it is rebuilt from the changelog topics",
                    config.applicationId());
            streams.cleanUp();
        } else if (layout.isFromAnotherCluster(clusterId)) {
            log.info("the local state of {} was built from another Kafka cluster than {}'s (id {}): deleting it;"
                    + " it is rebuilt from this cluster's changelog topics", config.applicationId(),
                    config.bootstrapServers(), clusterId);
            streams.cleanUp();
        }
    }

    /**
     * Waits {@code SHUTDOWN_DELAY} first when the instance is ready, reporting not ready and answering
     * queries meanwhile ({@link StopDelay}). Stops HTTP (no new queries), then closes Kafka Streams:
     * commits, and leaves the group so the
     * other instances take over its tasks at once (promoting their standbys) instead of after the
     * session timeout. A clean close of a client that had not failed deletes the {@link RunningMarker},
     * so the next start keeps the local state (see {@link #discardLocalStateThatCannotBeKept()}). Calling it
     * again does nothing.
     */
    public void stop() {
        if (stopped.getAndSet(true)) {
            return;
        }
        // decided before the warm-up ends: its end would make a starting instance look ready
        boolean wasReady = stopDelay.begin();
        JitWarmUp current = warmUp;
        if (current != null) {
            current.stop();
        }
        if (wasReady) {
            stopDelay.await();
        }
        try {
            ApiServer.stop(javalin);
        } finally {
            closeStreams();
        }
    }

    private void closeStreams() {
        synchronized (lifecycle) {
            boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
            // a client that failed ends in ERROR, never in NOT_RUNNING
            if (streamsStarted && closed && streams.state() == KafkaStreams.State.NOT_RUNNING) {
                try {
                    running.delete();
                } catch (UncheckedIOException e) {
                    log.warn("could not record the clean stop ({}); the next start rebuilds the local state", e.getMessage());
                }
            }
        }
        streamsMetrics.close();
        terminated.countDown();
        log.info("streams app stopped");
    }

    /**
     * Blocks until Kafka Streams stops on its own (ERROR, or NOT_RUNNING) or {@link #stop()} is called.
     *
     * @return whether the client ended in ERROR
     */
    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return streams.state() == KafkaStreams.State.ERROR;
    }

    public int port() {
        return javalin.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The registry behind {@code /metrics}. */
    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public StreamsAppConfig config() {
        return config;
    }
}
