package com.marketplace.localstack;

import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one JVM: a real Kafka broker (KRaft) in-process, the order gateway with its
 * outbox relay on an H2 file database in MySQL mode, and the streams app with its query API (state
 * under the data directory). Components start in dependency order and stop in reverse order;
 * {@link #close()} is safe to call more than once.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration STREAMS_READY_TIMEOUT = Duration.ofSeconds(120);
    /** How long a close waits for a start under way to stop what it was starting. */
    private static final Duration START_END_TIMEOUT = Duration.ofSeconds(60);

    private final LocalStackOptions options;
    private final Object lock = new Object();
    private volatile EmbeddedKafkaBroker broker;
    private volatile GatewayApp gateway;
    private volatile StreamsApp streams;
    private volatile boolean closed;
    /** Counted down when a {@link #start()} ends, however it ends; {@code null} before one begins. */
    private volatile CountDownLatch starting;

    public LocalStack(LocalStackOptions options) {
        this.options = options;
    }

    /**
     * Starts broker, gateway, then the streams app; returns once each answers (streams: RUNNING).
     * A {@link #close()} meanwhile (a Ctrl-C during start-up) stops at once what has started; this
     * stops the component it is starting as soon as that has started, and throws; the close returns
     * once it has.
     *
     * @throws IllegalStateException when the stack was closed already, or is closed during the start
     */
    public LocalStack start() {
        synchronized (lock) {
            requireOpen();
            starting = new CountDownLatch(1);
        }
        try {
            startAll();
            requireOpen();
            return this;
        } finally {
            starting.countDown();
        }
    }

    private void startAll() {
        log.info("Starting the local stack; the broker's and Kafka clients' logs go to {}",
                options.logFile().toAbsolutePath());
        EmbeddedKafkaBroker startedBroker = EmbeddedKafkaBroker.builder()
                .brokerPort(options.kafkaPort())
                .logDir(options.dataDir().resolve("kafka").toAbsolutePath())
                .build();
        startedBroker.start();
        keep("Kafka broker", startedBroker::close, () -> broker = startedBroker);
        log.info("Kafka broker ready at {} (data in {})", startedBroker.bootstrapServers(), startedBroker.logDir());
        GatewayApp startedGateway = GatewayApp.create(GatewayConfig.fromEnv(gatewayEnv())).start();
        keep("order gateway", startedGateway::stop, () -> gateway = startedGateway);
        log.info("Order gateway ready at {} (H2 database {})", gatewayUrl(), options.dbUrl());
        StreamsApp startedStreams = StreamsApp.create(streamsConfig()).start();
        keep("streams app", startedStreams::stop, () -> streams = startedStreams);
        awaitStreamsRunning(startedStreams);
        log.info("Streams app ready at {} (state in {})", streamsUrl(),
                startedStreams.config().stateDir().toAbsolutePath());
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("local stack closed during start-up");
        }
    }

    /**
     * Makes a component just started part of the stack, unless the stack was closed while it started:
     * then stops it at once, and the start ends.
     */
    private void keep(String component, Runnable stop, Runnable adopt) {
        synchronized (lock) {
            if (!closed) {
                adopt.run();
                return;
            }
        }
        stopQuietly(component, stop);
        requireOpen();
    }

    /** The query API must know its port before it starts: it advertises it as application.server. */
    private StreamsAppConfig streamsConfig() {
        int port = options.streamsPort() == 0 ? FreePorts.nextOnAllInterfaces() : options.streamsPort();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("STATE_DIR", options.dataDir().resolve("streams-state").toAbsolutePath().toString());
        return StreamsAppConfig.fromEnv(env).withHttp(port, "localhost:" + port);
    }

    private void awaitStreamsRunning(StreamsApp started) {
        long deadline = System.nanoTime() + STREAMS_READY_TIMEOUT.toNanos();
        while (started.streams().state() != KafkaStreams.State.RUNNING) {
            requireOpen();
            if (System.nanoTime() > deadline || !started.streams().state().isRunningOrRebalancing()) {
                throw new IllegalStateException("streams app did not reach RUNNING (state "
                        + started.streams().state() + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the streams app", e);
            }
        }
    }

    private Map<String, String> gatewayEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(GatewayConfig.HTTP_PORT, Integer.toString(options.gatewayPort()));
        env.put(GatewayConfig.DB_URL, options.dbUrl());
        env.put(GatewayConfig.DB_USER, "sa");
        env.put(GatewayConfig.DB_PASSWORD, "");
        env.put(GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
        env.put(GatewayConfig.RELAY_ENABLED, "true");
        return env;
    }

    public String gatewayUrl() {
        return "http://localhost:" + gateway.port();
    }

    public String streamsUrl() {
        return "http://localhost:" + streams.port();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Stops the streams app, the gateway (its relay finishes the batch in flight), then the broker.
     * Each is stopped even if stopping an earlier one failed. During a {@link #start()} it stops what
     * has started so far without waiting for the rest, which the start stops as it comes, then waits
     * (at most a minute) for the start to end.
     */
    @Override
    public void close() {
        StreamsApp stoppingStreams;
        GatewayApp stoppingGateway;
        EmbeddedKafkaBroker stoppingBroker;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            stoppingStreams = streams;
            stoppingGateway = gateway;
            stoppingBroker = broker;
        }
        stopQuietly("streams app", stoppingStreams == null ? null : stoppingStreams::stop);
        stopQuietly("order gateway", stoppingGateway == null ? null : stoppingGateway::stop);
        stopQuietly("Kafka broker", stoppingBroker == null ? null : stoppingBroker::close);
        awaitStartEnded();
        log.info("Local stack stopped");
    }

    /**
     * A start under way stops the component it is starting once that has started; a shutdown hook
     * that returned before would let the JVM halt in the middle of it (the H2 database being migrated,
     * the broker's logs being written).
     */
    private void awaitStartEnded() {
        CountDownLatch started = starting;
        try {
            if (started != null && !started.await(START_END_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The start under way did not end within {}; stopping without it", START_END_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stopQuietly(String component, Runnable stop) {
        if (stop == null) {
            return;
        }
        try {
            stop.run();
        } catch (RuntimeException e) {
            log.warn("Stopping the {} failed: {}", component, e.toString());
        }
    }
}
