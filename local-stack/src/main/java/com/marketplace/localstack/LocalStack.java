package com.marketplace.localstack;

import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one JVM: a real Kafka broker (KRaft) in-process, the order gateway with its
 * outbox relay on an H2 file database in MySQL mode. Components start in dependency order and
 * stop in reverse order; {@link #close()} is safe to call more than once.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final LocalStackOptions options;
    private EmbeddedKafkaBroker broker;
    private GatewayApp gateway;

    public LocalStack(LocalStackOptions options) {
        this.options = options;
    }

    /** Starts broker, then gateway; returns once each answers. */
    public LocalStack start() {
        broker = EmbeddedKafkaBroker.builder()
                .brokerPort(options.kafkaPort())
                .logDir(options.dataDir().resolve("kafka").toAbsolutePath())
                .build();
        broker.start();
        log.info("Kafka broker ready at {} (data in {})", broker.bootstrapServers(), broker.logDir());
        gateway = GatewayApp.create(GatewayConfig.fromEnv(gatewayEnv())).start();
        log.info("Order gateway ready at {} (H2 database {})", gatewayUrl(), options.dbUrl());
        return this;
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

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Stops the gateway (its relay finishes the batch in flight), then the broker. */
    @Override
    public synchronized void close() {
        if (gateway != null) {
            gateway.stop();
            gateway = null;
        }
        if (broker != null) {
            broker.close();
            broker = null;
        }
        log.info("Local stack stopped");
    }
}
