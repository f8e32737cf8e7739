package com.marketplace.streams;

import com.marketplace.streams.config.InvalidConfigException;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.OrderTopology;
import com.marketplace.streams.topology.TopicProvisioner;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one streams-app instance: reads the configuration from the environment, creates missing
 * topics, runs the topology until the JVM is asked to stop, then closes Kafka Streams cleanly.
 * Exits with 2 on an invalid configuration and 1 when the streams client dies.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        StreamsAppConfig config;
        try {
            config = StreamsAppConfig.fromEnv(System.getenv());
        } catch (InvalidConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config));
    }

    /** Runs until shutdown; returns the process exit code. */
    static int run(StreamsAppConfig config) throws InterruptedException {
        try {
            createTopics(config);
        } catch (IllegalStateException e) {
            log.error("cannot prepare topics on {}: {}", config.bootstrapServers(), e.getMessage());
            return 1;
        }
        KafkaStreams streams = new KafkaStreams(OrderTopology.build(config), config.toStreamsProperties());
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread died; shutting down this instance", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((newState, oldState) -> {
            log.info("streams state {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutdown requested, closing streams");
            streams.close(CLOSE_TIMEOUT);
            stopped.countDown();
        }, "streams-shutdown"));
        log.info("starting {} ({}), state dir {}", config.applicationId(), config.processingGuarantee(),
                config.stateDir().toAbsolutePath());
        streams.start();
        stopped.await();
        return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    private static void createTopics(StreamsAppConfig config) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()))) {
            new TopicProvisioner(admin, config.topicPartitions(), config.topicReplicationFactor())
                    .createMissing(ADMIN_TIMEOUT);
        }
    }
}
