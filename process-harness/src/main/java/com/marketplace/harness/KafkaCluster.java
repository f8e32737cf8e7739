package com.marketplace.harness;

import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.kafka.embedded.KraftStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A KRaft cluster of 1..n real Kafka brokers, each its own process running Apache Kafka's
 * {@code kafka.Kafka} main from the Maven artifacts on this JVM's class path. Every node is broker
 * and controller, listening on random loopback ports. Internal topics get replication factor
 * {@code min(3, n)}; with three or more nodes, {@code min.insync.replicas} is 2 for the
 * transaction log and, by default, for every topic.
 *
 * <p>Nodes can be killed ({@code kill -9}), stopped and started again on the same ports and data.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int size;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Map<String, String> overrides;
    private final List<String> jvmOptions;
    private final ManagedProcess[] nodes;
    private final String clusterId = Uuid.randomUuid().toString();

    private KafkaCluster(Path dir, int size, Map<String, String> overrides, List<String> jvmOptions) {
        this.dir = dir;
        this.size = size;
        this.overrides = Map.copyOf(overrides);
        this.jvmOptions = List.copyOf(jvmOptions);
        int[] ports = FreePorts.distinct(2 * size);
        this.brokerPorts = Arrays.copyOfRange(ports, 0, size);
        this.controllerPorts = Arrays.copyOfRange(ports, size, 2 * size);
        this.nodes = new ManagedProcess[size];
    }

    /**
     * Formats and starts {@code size} nodes under {@code dir}, and waits until every broker is
     * registered.
     *
     * @param overrides broker properties applied to every node after the defaults
     * @param jvmOptions options of each broker JVM (heap, JFR)
     */
    public static KafkaCluster start(Path dir, int size, Map<String, String> overrides, List<String> jvmOptions) {
        KafkaCluster cluster = new KafkaCluster(dir, size, overrides, jvmOptions);
        try {
            for (int node = 1; node <= size; node++) {
                cluster.startNode(node, false);
            }
            cluster.awaitBrokers(size, START_TIMEOUT);
            log.info("Kafka cluster of {} node(s) ready at {}", size, cluster.bootstrapServers());
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code host:port} of every broker. */
    public String bootstrapServers() {
        return IntStream.range(0, size).mapToObj(i -> HOST + ":" + brokerPorts[i]).collect(Collectors.joining(","));
    }

    public int size() {
        return size;
    }

    /** The process of node {@code node} (1-based), or null while it is down. */
    public ManagedProcess node(int node) {
        return nodes[node - 1];
    }

    /** {@code kill -9} of node {@code node}. */
    public void kill(int node) {
        ManagedProcess process = nodes[node - 1];
        if (process != null) {
            process.kill();
            nodes[node - 1] = null;
        }
    }

    /** Clean shutdown of node {@code node}. */
    public void stop(int node) {
        ManagedProcess process = nodes[node - 1];
        if (process != null) {
            process.stop(Duration.ofSeconds(60));
            nodes[node - 1] = null;
        }
    }

    /** Starts node {@code node} again on its ports and data, and waits until all brokers are registered. */
    public void restart(int node) {
        startNode(node, true);
        awaitBrokers(size, START_TIMEOUT);
    }

    /** CPU seconds used so far by all running nodes. */
    public double cpuSeconds() {
        double sum = 0;
        for (ManagedProcess node : nodes) {
            if (node != null) {
                sum += node.cpuSeconds();
            }
        }
        return sum;
    }

    private void startNode(int node, boolean restart) {
        Path nodeDir = dir.resolve("node-" + node);
        Path logDir = nodeDir.resolve("data");
        Path properties = nodeDir.resolve("server.properties");
        try {
            Files.createDirectories(nodeDir);
            if (!restart || !KraftStorage.isFormatted(logDir)) {
                KraftStorage.format(logDir, node, clusterId, "CONTROLLER");
            }
            try (Writer out = Files.newBufferedWriter(properties)) {
                toProperties(serverProperties(node, logDir)).store(out, "broker " + node);
            }
            Path logback = Logging.fileConfig(nodeDir, nodeDir.resolve("broker.log"));
            List<String> options = new ArrayList<>(jvmOptions);
            options.add("-Dlogback.configurationFile=" + logback);
            nodes[node - 1] = ManagedProcess.start("kafka-" + node,
                    JavaCommand.mainClass("kafka.Kafka", options, properties.toString()), Map.of(),
                    nodeDir.resolve("stdout.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> serverProperties(int node, Path logDir) {
        int replication = Math.min(3, size);
        String minIsr = size >= 3 ? "2" : "1";
        String voters = IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@" + HOST + ":" + controllerPorts[i]).collect(Collectors.joining(","));
        String broker = "PLAINTEXT://" + HOST + ":" + brokerPorts[node - 1];
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(node));
        p.put("controller.quorum.voters", voters);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listeners", broker + ",CONTROLLER://" + HOST + ":" + controllerPorts[node - 1]);
        p.put("advertised.listeners", broker);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", Integer.toString(replication));
        p.put("transaction.state.log.replication.factor", Integer.toString(replication));
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("min.insync.replicas", minIsr);
        p.put("default.replication.factor", Integer.toString(replication));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    private static Properties toProperties(Map<String, String> map) {
        Properties properties = new Properties();
        properties.putAll(map);
        return properties;
    }

    private void awaitBrokers(int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            for (ManagedProcess node : nodes) {
                if (node != null && !node.isAlive()) {
                    throw new IllegalStateException(node + " exited with " + node.exitValue() + "; see " + node.logFile());
                }
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
                int registered = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (registered >= expected) {
                    return;
                }
            } catch (Exception e) {
                last = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            sleep(Duration.ofMillis(300));
        }
        throw new IllegalStateException("Kafka cluster at " + bootstrapServers() + " not ready within " + timeout, last);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (int node = 1; node <= size; node++) {
            try {
                stop(node);
            } catch (RuntimeException e) {
                log.warn("Could not stop kafka-{}: {}", node, e.toString());
            }
        }
    }
}
