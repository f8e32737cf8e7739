package com.marketplace.localstack;

import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one JVM: a real Kafka broker (KRaft) in-process, the order gateway with its
 * outbox relay on an H2 file database in MySQL mode, and the streams app with its query API (state
 * under the data directory). Components start in dependency order and stop in reverse order;
 * {@link #close()} is safe to call more than once. The data directory is held ({@link DataDirLock})
 * from the start to the end of the close, so a second stack on it fails before it opens the broker's,
 * the database's or the streams app's files (its log lines still go to the directory's log file).
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration STREAMS_READY_TIMEOUT = Duration.ofSeconds(120);
    /**
     * The services' {@code SHUTDOWN_DELAY} here, whatever the environment says: no load balancer sends
     * them requests, and two delays one after the other would only make Ctrl-C slow.
     */
    private static final String NO_SHUTDOWN_DELAY = "PT0S";
    /**
     * How long a close waits for a start under way to stop what it was starting: longer than the
     * broker may take to start (a minute for its server, a minute more to answer), since a broker
     * cannot be stopped before its start returns, and a JVM that halts in the middle of it may leave
     * its metadata log half written.
     */
    private static final Duration START_END_TIMEOUT = Duration.ofSeconds(150);

    private final LocalStackOptions options;
    private final Map<String, String> env;
    private final Object lock = new Object();
    private volatile DataDirLock dataDirLock;
    private volatile EmbeddedKafkaBroker broker;
    private volatile GatewayApp gateway;
    private volatile StreamsApp streams;
    private volatile boolean closed;
    /** The thread running the first {@link #close()}; a later call on another thread waits for it. */
    private Thread closer;
    private final CountDownLatch closeEnded = new CountDownLatch(1);
    /** Whether the stack was closed by its start's failure, not by a stop request. */
    private volatile boolean closedByFailedStart;
    /** Counted down when a {@link #start()} ends, however it ends; {@code null} before one begins. */
    private volatile CountDownLatch starting;

    /** A stack whose services read the rest of their settings from this process's environment. */
    public LocalStack(LocalStackOptions options) {
        this(options, System.getenv());
    }

    /** A stack whose services read the rest of their settings from {@code env}. */
    public LocalStack(LocalStackOptions options, Map<String, String> env) {
        this.options = options;
        this.env = Map.copyOf(env);
    }

    /**
     * Starts broker, gateway, then the streams app; returns once each answers (streams: RUNNING).
     * A {@link #close()} meanwhile (a Ctrl-C during start-up) ends it: this starts no further
     * component, stops the one it is starting as soon as that has started, and throws; the close then
     * stops the components started before it.
     *
     * <p>A start that fails closes the stack before it throws: nothing it started stays running, and
     * the data directory is free for the next stack ({@link #isStopRequested()} tells the two apart).
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
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                closedByFailedStart = !closed;
            }
            starting.countDown(); // first: the close waits for the start to end
            try {
                close(); // or, when a close is under way (the start's failure came from it), waits for it
            } catch (RuntimeException | Error closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        } finally {
            starting.countDown();
        }
    }

    private void startAll() {
        checkSettings();
        DataDirLock heldDataDir = DataDirLock.acquire(options.dataDir());
        keep("data directory lock", heldDataDir::close, () -> dataDirLock = heldDataDir);
        // named once the directory is known to hold it (LogFileProperty logs elsewhere when it cannot)
        log.info("Starting the local stack; the broker's and Kafka clients' logs go to {}",
                options.logFile().toAbsolutePath());
        checkPortsFree();
        requireOpen();
        EmbeddedKafkaBroker startedBroker = EmbeddedKafkaBroker.builder()
                .brokerPort(options.kafkaPort())
                .logDir(options.dataDir().resolve("kafka").toAbsolutePath())
                .build();
        startedBroker.start();
        keep("Kafka broker", startedBroker::close, () -> broker = startedBroker);
        log.info("Kafka broker ready at {} (data in {})", startedBroker.bootstrapServers(), startedBroker.logDir());
        requireOpen();
        GatewayApp startedGateway = GatewayApp.create(GatewayConfig.fromEnv(
                gatewayEnv(startedBroker.bootstrapServers()))).start();
        keep("order gateway", startedGateway::stop, () -> gateway = startedGateway);
        log.info("Order gateway ready at {} (H2 database {})", gatewayUrl(), options.dbUrl());
        requireOpen();
        int streamsPort = options.streamsPort() == 0 ? FreePorts.nextOnAllInterfaces() : options.streamsPort();
        StreamsApp startedStreams = StreamsApp.create(streamsConfig(startedBroker.bootstrapServers(), streamsPort))
                .start(); // a failed start stops what it started
        keep("streams app", startedStreams::stop, () -> streams = startedStreams);
        awaitStreamsRunning(startedStreams);
        log.info("Streams app ready at {} (state in {})", streamsUrl(),
                startedStreams.config().stateDir().toAbsolutePath());
    }

    /** Whether {@link #close()} has been called, by a failed {@link #start()} too. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Whether the stack was asked to stop ({@link #close()} called from outside, a Ctrl-C), as against
     * closed by its own failed start.
     */
    public boolean isStopRequested() {
        return closed && !closedByFailedStart;
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

    /**
     * Reads both services' settings from the environment before anything starts, so that a bad
     * value fails the start at once rather than after the broker and the gateway have started. The
     * broker's address and a port left to chance are not known yet; any valid stand-in does here.
     */
    private void checkSettings() {
        // HTTP_HOST, which both services get, is checked by their configurations
        String bootstrap = "localhost:" + (options.kafkaPort() == 0 ? 9092 : options.kafkaPort());
        GatewayConfig.fromEnv(gatewayEnv(bootstrap));
        streamsConfig(bootstrap, options.streamsPort() == 0 ? 7071 : options.streamsPort());
    }

    /**
     * Fails the start before the broker starts when a port the stack is to listen on is taken, naming
     * the variable that moves it; otherwise the component that binds it would fail with a message
     * about the port alone, after the ones before it had started. (Checked after the data directory's
     * lock: a second stack on the same directory is told that, the more useful reason.) A port taken
     * between this check and the component's own bind still fails that component's start.
     */
    private void checkPortsFree() {
        requireFree(LocalStackOptions.KAFKA_PORT, LocalStackOptions.LOOPBACK, options.kafkaPort());
        requireFree(LocalStackOptions.GATEWAY_PORT, options.httpHost(), options.gatewayPort());
        requireFree(LocalStackOptions.STREAMS_PORT, options.httpHost(), options.streamsPort());
    }

    /**
     * The start's failure when {@code port} could not be bound: taken by another process, or refused
     * otherwise (a port below 1024 without the privilege), as the operating system said.
     */
    static IllegalStateException cannotListen(String variable, String host, int port, BindException e) {
        if (String.valueOf(e.getMessage()).contains("in use")) {
            return new IllegalStateException(variable + " " + port + " is in use on " + host
                    + " (another process listens there): stop it, or set " + variable + " to a free port (0 for any)",
                    e);
        }
        return new IllegalStateException(variable + " " + port + " cannot be listened on at " + host + " ("
                + e.getMessage() + "): set " + variable + " to another port (0 for any; below 1024 needs the"
                + " privilege)", e);
    }

    private static void requireFree(String variable, String host, int port) {
        if (port == 0) {
            return; // any free port
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the servers bind: a port whose old connections linger is free
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw cannotListen(variable, host, port, e);
        } catch (IOException other) {
            log.debug("Could not check whether port {} is free; the component's own bind will tell", port, other);
        }
    }

    /**
     * The query API must know its port before it starts: it advertises it as application.server. The
     * stack sets the port and the address, whatever the environment says of {@code HTTP_PORT} and
     * {@code APPLICATION_SERVER} (which the gateway reads too).
     */
    StreamsAppConfig streamsConfig(String bootstrapServers, int port) {
        Map<String, String> streamsEnv = new HashMap<>(env);
        streamsEnv.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        streamsEnv.put("STATE_DIR", options.dataDir().resolve("streams-state").toAbsolutePath().toString());
        streamsEnv.put("HTTP_PORT", Integer.toString(port));
        streamsEnv.put("APPLICATION_SERVER", options.reachableHost() + ":" + port);
        streamsEnv.put(LocalStackOptions.HTTP_HOST, options.httpHost());
        streamsEnv.put("SHUTDOWN_DELAY", NO_SHUTDOWN_DELAY);
        return StreamsAppConfig.fromEnv(streamsEnv);
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

    /** The gateway's environment: the stack's, with what the stack sets itself. */
    Map<String, String> gatewayEnv(String bootstrapServers) {
        Map<String, String> gatewayEnv = new HashMap<>(env);
        gatewayEnv.put(GatewayConfig.HTTP_PORT, Integer.toString(options.gatewayPort()));
        gatewayEnv.put(GatewayConfig.DB_URL, options.dbUrl());
        gatewayEnv.put(GatewayConfig.DB_USER, "sa");
        gatewayEnv.put(GatewayConfig.DB_PASSWORD, "");
        gatewayEnv.put(GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, bootstrapServers);
        gatewayEnv.put(GatewayConfig.RELAY_ENABLED, "true");
        gatewayEnv.put(LocalStackOptions.HTTP_HOST, options.httpHost());
        gatewayEnv.put(GatewayConfig.SHUTDOWN_DELAY, NO_SHUTDOWN_DELAY);
        return gatewayEnv;
    }

    public String gatewayUrl() {
        return "http://" + options.reachableHost() + ":" + gateway.port();
    }

    public String streamsUrl() {
        return "http://" + options.reachableHost() + ":" + streams.port();
    }

    /** The streams app's application id: its consumer group. */
    public String streamsApplicationId() {
        return streams.config().applicationId();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * Blocks, once started, until one of the services stops on its own: the gateway because its outbox
     * relay failed, or the streams app because its Kafka Streams client stopped (a stream thread died).
     * Either leaves the stack half working, which the stand-alone services do not stay in: they exit
     * with code 1 for a supervisor to restart them. Returns empty when the stack was closed instead.
     */
    public Optional<String> awaitFailure() throws InterruptedException {
        GatewayApp watchedGateway = gateway;
        StreamsApp watchedStreams = streams;
        CompletableFuture<Optional<String>> ended = new CompletableFuture<>();
        watch("local-stack-gateway-watch", ended, () -> watchedGateway.awaitTermination()
                ? "the order gateway's outbox relay failed" : null);
        watch("local-stack-streams-watch", ended, () -> watchedStreams.awaitTermination()
                ? "the streams app's Kafka Streams client failed" : "the streams app's Kafka Streams client stopped");
        try {
            return ended.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("watching the local stack's services failed", e.getCause());
        }
    }

    private interface Termination {
        /** Blocks until a service ends; what ended it when that is a failure, else null. */
        String await() throws InterruptedException;
    }

    private void watch(String name, CompletableFuture<Optional<String>> ended, Termination termination) {
        Thread watcher = new Thread(() -> {
            try {
                String failure = termination.await();
                ended.complete(closed || failure == null ? Optional.empty() : Optional.of(failure));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
            }
        }, name);
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The streams app, once started. */
    StreamsApp streamsApp() {
        return streams;
    }

    /**
     * Stops the streams app, the gateway (its relay finishes the batch in flight), then the broker.
     * Each is stopped even if stopping an earlier one failed. During a {@link #start()} it first waits
     * (at most {@link #START_END_TIMEOUT}) for the start to end, which takes no longer than the
     * component being started takes to start: the start stops that component and starts no other, and
     * the components before it keep running for it meanwhile. A call while another thread is
     * closing the stack returns once that close has ended (a shutdown hook must not let the JVM halt
     * in the middle of it); a call from within the close returns at once.
     */
    @Override
    public void close() {
        Thread firstCloser;
        synchronized (lock) {
            firstCloser = closer;
            if (firstCloser == null) {
                closed = true; // from here on a start adopts no component: it stops the one it started
                closer = Thread.currentThread();
            }
        }
        if (firstCloser != null) {
            awaitCloseEnded(firstCloser);
            return;
        }
        try {
            stopAll();
        } finally {
            closeEnded.countDown();
        }
    }

    private void awaitCloseEnded(Thread firstCloser) {
        if (firstCloser == Thread.currentThread()) {
            return;
        }
        try {
            if (!closeEnded.await(START_END_TIMEOUT.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The close under way did not end within {}", START_END_TIMEOUT.multipliedBy(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAll() {
        awaitStartEnded(); // first: its component needs the ones started before it
        stopQuietly("streams app", streams == null ? null : streams::stop);
        stopQuietly("order gateway", gateway == null ? null : gateway::stop);
        stopQuietly("Kafka broker", broker == null ? null : broker::close);
        DataDirLock heldDataDir = dataDirLock;
        if (heldDataDir != null) {
            heldDataDir.close(); // last: a start under way may still have been stopping what it started
        }
        log.info("Local stack stopped");
    }

    /**
     * A start under way stops the component it is starting once that has started; a shutdown hook
     * that returned before would let the JVM halt in the middle of it (the H2 database being migrated,
     * the broker's logs being written). Stopping the components it started before would only make it
     * slower: the gateway's start against a stopped broker waits out its Kafka clients' timeouts.
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
