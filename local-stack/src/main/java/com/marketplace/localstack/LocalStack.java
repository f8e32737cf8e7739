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

    private final LocalStackOptions options;
    private EmbeddedKafkaBroker broker;
    private GatewayApp gateway;
    private StreamsApp streams;
    private boolean closed;

    public LocalStack(LocalStackOptions options) {
        this.options = options;
    }

    /**
     * Starts broker, gateway, then the streams app; returns once each answers (streams: RUNNING).
     * Synchronized with {@link #close()}, so a Ctrl-C during start-up stops whatever has started.
     *
     * @throws IllegalStateException when the stack was closed already
     */
    public synchronized LocalStack start() {
        if (closed) {
            throw new IllegalStateException("local stack already closed");
        }
        log.info("Starting the local stack; the broker's and Kafka clients' logs go to {}",
                options.logFile().toAbsolutePath());
        broker = EmbeddedKafkaBroker.builder()
                .brokerPort(options.kafkaPort())
                .logDir(options.dataDir().resolve("kafka").toAbsolutePath())
                .build();
        broker.start();
        log.info("Kafka broker ready at {} (data in {})", broker.bootstrapServers(), broker.logDir());
        gateway = GatewayApp.create(GatewayConfig.fromEnv(gatewayEnv())).start();
        log.info("Order gateway ready at {} (H2 database {})", gatewayUrl(), options.dbUrl());
        streams = StreamsApp.create(streamsConfig()).start();
        awaitStreamsRunning();
        log.info("Streams app ready at {} (state in {})", streamsUrl(), streams.config().stateDir().toAbsolutePath());
        return this;
    }

    /** The query API must know its port before it starts: it advertises it as application.server. */
    private StreamsAppConfig streamsConfig() {
        int port = options.streamsPort() == 0 ? FreePorts.nextOnAllInterfaces() : options.streamsPort();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("STATE_DIR", options.dataDir().resolve("streams-state").toAbsolutePath().toString());
        return StreamsAppConfig.fromEnv(env).withHttp(port, "localhost:" + port);
    }

    private void awaitStreamsRunning() {
        long deadline = System.nanoTime() + STREAMS_READY_TIMEOUT.toNanos();
        while (streams.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.streams().state().isRunningOrRebalancing()) {
                throw new IllegalStateException("streams app did not reach RUNNING (state "
                        + streams.streams().state() + ")");
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
     * Each is stopped even if stopping an earlier one failed.
     */
    @Override
    public synchronized void close() {
        closed = true;
        stopQuietly("streams app", streams == null ? null : streams::stop);
        streams = null;
        stopQuietly("order gateway", gateway == null ? null : gateway::stop);
        gateway = null;
        stopQuietly("Kafka broker", broker == null ? null : broker::close);
        broker = null;
        log.info("Local stack stopped");
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
