package com.marketplace.gateway;

import com.marketplace.config.ConfigException;
import com.marketplace.config.StartupFailure;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.kafka.topics.TopicsRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway from environment variables (docs/architecture.md, "Configuration and ports");
 * stops it on SIGTERM/Ctrl-C. Exits with 2 on an invalid configuration, and with 1 when it cannot
 * start or, after a stop, when its outbox relay failed.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            exitInvalid(e);
            return;
        }
        log.info("Starting order gateway with {}", config);
        GatewayApp app;
        try {
            app = GatewayApp.create(config).start();
        } catch (ConfigException e) {
            exitInvalid(e); // a setting only the start can judge (a DB_URL none of the gateway's JDBC drivers takes)
            return;
        } catch (CoPartitioningException | TopicsRefusedException e) {
            log.error("Order gateway refuses to start: {}", e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            log.error("Order gateway failed to start: {}", config.redacted(StartupFailure.describe(e)));
            log.debug("start-up failure", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "gateway-shutdown"));
        if (app.awaitTermination()) {
            // as the streams app does when its client dies: a supervisor restarts the process
            log.error("Order gateway stopping with exit code 1: its outbox relay failed");
            try {
                app.stop();
            } finally {
                System.exit(1);
            }
        }
    }

    /** One line naming the variable, and exit code 2, as for every configuration error. */
    private static void exitInvalid(ConfigException e) {
        System.err.println("invalid configuration: " + e.getMessage());
        System.exit(2);
    }
}
