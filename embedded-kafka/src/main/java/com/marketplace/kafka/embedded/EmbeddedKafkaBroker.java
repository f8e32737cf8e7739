package com.marketplace.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller, node id 1) running
 * inside the current JVM and listening on {@code 127.0.0.1} only.
 *
 * <p>Lifecycle:
 * <ul>
 *   <li>{@link #start()} formats the log directory the first time it is used, starts the server and
 *       returns only once the broker answers client requests.</li>
 *   <li>{@link #stop()} shuts the server down but keeps its data and ports, so a later {@link #start()}
 *       brings the same broker back on the same {@link #bootstrapServers()} with the same topics and
 *       records. This is how tests simulate a broker outage.</li>
 *   <li>{@link #close()} stops the broker and deletes the log directory if this instance created it.
 *       A log directory given to the {@link Builder} is never deleted, and a later broker on it reuses
 *       the data instead of formatting it again.</li>
 * </ul>
 *
 * <p>The configuration is what a single node needs: the internal topics (consumer offsets,
 * transaction state, share-group state) have replication factor 1, min ISR 1 and one partition, and
 * groups rebalance without initial delay, so idempotent and transactional producers and
 * {@code exactly_once_v2} Kafka Streams work. Topic auto-creation stays enabled.
 *
 * <p>All methods are thread-safe. An instance cannot be started again after {@link #close()}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    /** The default (128 MiB) is sized for production clusters; 16 MiB still maps ~600k keys per segment. */
    private static final String CLEANER_DEDUPE_BUFFER_BYTES = String.valueOf(16 * 1024 * 1024);

    private final Path logDir;
    private final boolean ownsLogDir;
    private final Duration startupTimeout;
    private final Map<String, String> propertyOverrides;
    private int brokerPort;
    private int controllerPort;
    private KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder, Path logDir, boolean ownsLogDir) {
        this.logDir = logDir.toAbsolutePath();
        this.ownsLogDir = ownsLogDir;
        this.startupTimeout = builder.startupTimeout;
        this.propertyOverrides = Map.copyOf(builder.brokerProperties);
        this.brokerPort = builder.brokerPort;
        this.controllerPort = builder.controllerPort;
    }

    /**
     * @return a builder for a broker on random loopback ports with a temporary log directory
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and waits until it answers client requests. Formats the log directory first
     * if it holds no Kafka data yet. Does nothing if the broker is already running.
     *
     * @throws EmbeddedKafkaException if formatting fails, the server fails to start, or it does not
     *                                answer within the startup timeout
     * @throws IllegalStateException  if this broker has been closed
     */
    public synchronized void start() {
        ensureOpen();
        if (server != null) {
            return;
        }
        long startNanos = System.nanoTime();
        resolvePorts();
        formatIfNeeded();
        server = startServer(serverProperties());
        try {
            awaitReady();
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info("Kafka broker ready at {} (log dir {}) in {} ms",
                bootstrapServers(), logDir, elapsedMillis(startNanos));
    }

    /**
     * Shuts the broker down and waits until it has stopped. Data and ports are kept for a later
     * {@link #start()}. Does nothing if the broker is not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long startNanos = System.nanoTime();
        KafkaRaftServer running = server;
        server = null;
        shutDown(running);
        log.info("Kafka broker at {} stopped in {} ms", bootstrapServers(), elapsedMillis(startNanos));
    }

    /**
     * Stops the broker and, if this instance created its log directory, deletes it. Idempotent.
     * A failure to delete the temporary directory is logged, not thrown.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (ownsLogDir) {
                deleteLogDir();
            }
        }
    }

    /**
     * Returns the address clients connect to, {@code 127.0.0.1:<port>}. A random port is chosen the
     * first time it is needed (by this method or {@link #start()}) and kept for the broker's lifetime,
     * so the address stays valid across {@link #stop()} and {@link #start()}. It is chosen with
     * {@link FreePorts}, so something else may take it before the broker binds it; {@link #start()}
     * then fails.
     *
     * @return the bootstrap servers string for client configurations
     */
    public synchronized String bootstrapServers() {
        resolvePorts();
        return HOST + ":" + brokerPort;
    }

    /**
     * @return whether the broker has been started and not stopped since
     */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * @return the absolute path of the directory holding the broker's metadata and topic data
     */
    public Path logDir() {
        return logDir;
    }

    /**
     * Creates topics with the given number of partitions and replication factor 1, and waits until the
     * controller has accepted them. Topics that already exist are left unchanged.
     *
     * @param partitions number of partitions of each topic, at least 1
     * @param names      topic names, at least one
     * @throws IllegalArgumentException if partitions is below 1 or no name is given
     * @throws IllegalStateException    if the broker is not running
     * @throws EmbeddedKafkaException   if a topic cannot be created
     */
    public synchronized void createTopics(int partitions, String... names) {
        if (partitions < 1 || names.length == 0) {
            throw new IllegalArgumentException("Need at least one partition and one topic name");
        }
        requireRunning();
        List<NewTopic> topics = Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toList();
        try (Admin admin = newAdmin()) {
            admin.createTopics(topics).values().forEach(this::awaitTopicCreated);
        }
    }

    private void awaitTopicCreated(String name, KafkaFuture<Void> creation) {
        try {
            await(creation, "create topic " + name);
            log.debug("Created topic {}", name);
        } catch (EmbeddedKafkaException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            log.debug("Topic {} already exists", name);
        }
    }

    private void resolvePorts() {
        if (brokerPort == 0 && controllerPort == 0) {
            int[] ports = FreePorts.distinct(2);
            brokerPort = ports[0];
            controllerPort = ports[1];
        } else if (brokerPort == 0) {
            brokerPort = FreePorts.nextOtherThan(controllerPort);
        } else if (controllerPort == 0) {
            controllerPort = FreePorts.nextOtherThan(brokerPort);
        }
    }

    private void formatIfNeeded() {
        if (KraftStorage.isFormatted(logDir)) {
            log.debug("Kafka log dir {} is already formatted", logDir);
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        String output = KraftStorage.format(logDir, NODE_ID, clusterId, CONTROLLER_LISTENER);
        log.info("Formatted Kafka log dir {} with cluster id {}", logDir, clusterId);
        log.debug("Formatter output: {}", output);
    }

    private Properties serverProperties() {
        Properties props = new Properties();
        props.putAll(listenerSettings());
        props.putAll(singleNodeSettings());
        props.put("log.dirs", logDir.toString());
        props.put("server.max.startup.time.ms", String.valueOf(startupTimeout.toMillis()));
        props.put("log.cleaner.dedupe.buffer.size", CLEANER_DEDUPE_BUFFER_BYTES);
        props.putAll(propertyOverrides);
        return props;
    }

    private Map<String, String> listenerSettings() {
        String brokerAddress = BROKER_LISTENER + "://" + HOST + ":" + brokerPort;
        String controllerAddress = CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort;
        return Map.of(
                "process.roles", "broker,controller",
                "node.id", String.valueOf(NODE_ID),
                "controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort,
                "controller.listener.names", CONTROLLER_LISTENER,
                "inter.broker.listener.name", BROKER_LISTENER,
                "listeners", brokerAddress + "," + controllerAddress,
                "advertised.listeners", brokerAddress,
                "listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    }

    /** Without replication factor and min ISR 1 the internal topics can never be created on one node. */
    private static Map<String, String> singleNodeSettings() {
        return Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "1",
                "share.coordinator.state.topic.replication.factor", "1",
                "share.coordinator.state.topic.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "group.streams.initial.rebalance.delay.ms", "0");
    }

    private KafkaRaftServer startServer(Properties props) {
        KafkaRaftServer raftServer = null;
        try {
            raftServer = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            raftServer.startup();
            return raftServer;
        } catch (Exception e) {
            EmbeddedKafkaException failure = new EmbeddedKafkaException(
                    "Kafka broker at " + bootstrapServers() + " (log dir " + logDir + ") failed to start", e);
            if (raftServer != null) {
                shutDownAfterFailure(raftServer, failure);
            }
            throw failure;
        }
    }

    private static void shutDownAfterFailure(KafkaRaftServer raftServer, EmbeddedKafkaException failure) {
        try {
            shutDown(raftServer);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void shutDown(KafkaRaftServer raftServer) {
        raftServer.shutdown();
        raftServer.awaitShutdown();
    }

    private void awaitReady() {
        DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs(timeoutMillis());
        try (Admin admin = newAdmin()) {
            Collection<Node> nodes = await(admin.describeCluster(options).nodes(), "describe the cluster");
            if (nodes.isEmpty()) {
                throw new EmbeddedKafkaException("Kafka broker at " + bootstrapServers() + " reports no nodes");
            }
        }
    }

    private Admin newAdmin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis()));
    }

    private <T> T await(KafkaFuture<T> future, String action) {
        String failure = "Could not " + action + " on Kafka broker at " + bootstrapServers();
        try {
            return future.get(startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new EmbeddedKafkaException(failure, e.getCause());
        } catch (TimeoutException e) {
            throw new EmbeddedKafkaException(failure + " within " + startupTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException(failure + ": interrupted", e);
        }
    }

    private int timeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, startupTimeout.toMillis());
    }

    private void deleteLogDir() {
        try {
            Utils.delete(logDir.toFile());
            log.debug("Deleted temporary Kafka log dir {}", logDir);
        } catch (IOException e) {
            log.warn("Could not delete temporary Kafka log dir {}", logDir, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " has been closed");
        }
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " is not running");
        }
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Configures an {@link EmbeddedKafkaBroker}. Defaults: random loopback broker and controller ports,
     * a fresh temporary log directory deleted on {@link EmbeddedKafkaBroker#close()}, a startup
     * timeout of 60 seconds.
     */
    public static final class Builder {

        private int brokerPort;
        private int controllerPort;
        private Path logDir;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param port the client port on 127.0.0.1, or 0 for a random free port (the default)
         * @return this builder
         * @throws IllegalArgumentException if the port is outside 0..65535
         */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port);
            return this;
        }

        /**
         * @param port the KRaft controller port on 127.0.0.1, or 0 for a random free port (the default)
         * @return this builder
         * @throws IllegalArgumentException if the port is outside 0..65535
         */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /**
         * Uses a caller-owned log directory: it is created if missing, formatted only if it holds no
         * Kafka data yet, and never deleted, so data survives broker instances and JVM restarts.
         *
         * @param dir the directory for metadata and topic data
         * @return this builder
         */
        public Builder logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param timeout how long {@link EmbeddedKafkaBroker#start()} and topic creation may take
         * @return this builder
         * @throws IllegalArgumentException if the timeout is not positive
         */
        public Builder startupTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + timeout);
            }
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Sets a broker configuration property, overriding the embedded defaults.
         *
         * @param name  a Kafka broker property name, e.g. {@code num.partitions}
         * @param value its value
         * @return this builder
         */
        public Builder brokerProperty(String name, String value) {
            brokerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @return a broker that is not started yet
         * @throws IllegalArgumentException if broker and controller are given the same fixed port
         * @throws UncheckedIOException     if the temporary log directory cannot be created
         */
        public EmbeddedKafkaBroker build() {
            if (brokerPort != 0 && brokerPort == controllerPort) {
                throw new IllegalArgumentException("Broker and controller need different ports: " + brokerPort);
            }
            if (logDir != null) {
                return new EmbeddedKafkaBroker(this, logDir, false);
            }
            return new EmbeddedKafkaBroker(this, createTempLogDir(), true);
        }

        private static Path createTempLogDir() {
            try {
                return Files.createTempDirectory("embedded-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create a temporary Kafka log dir", e);
            }
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Port must be within 0..65535: " + port);
            }
            return port;
        }
    }
}
