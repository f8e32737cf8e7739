package com.marketplace.gateway;

import com.marketplace.config.ConfigException;
import com.marketplace.config.StartupFailure;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.kafka.topics.TopicsRefusedException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the gateway from environment variables (docs/architecture.md, "Configuration and ports");
 * stops it on SIGTERM/Ctrl-C, also during its start, once the start has ended. Exits with 2 on an
 * invalid configuration, and with 1 when it cannot start or, after a stop, when its outbox relay failed.
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
        Start start = new Start();
        Runtime.getRuntime().addShutdownHook(new Thread(start::stop, "gateway-shutdown"));
        GatewayApp app;
        try {
            app = start.run(config);
        } catch (ConfigException e) {
            exitInvalid(e); // a setting only the start can judge (a DB_URL none of the gateway's JDBC drivers takes)
            return;
        } catch (CoPartitioningException | TopicsRefusedException e) {
            log.error("Order gateway refuses to start: {}", e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException | Error e) { // an Error too: the process must not stay half started
            log.error("Order gateway failed to start: {}", config.redacted(StartupFailure.describe(e)));
            log.debug("start-up failure", e);
            System.exit(1);
            return;
        }
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

    /**
     * The gateway's start, and its stop on a signal, which may come while the start is under way: the
     * stop then waits for the start to end (the schema's migration, at most 10 s for an unreachable
     * broker; a start that hangs is ended by the supervisor's kill, as a stop that hangs would be) and
     * stops what it started. A JVM that halted in the middle of the schema's migration would leave the
     * database unusable: MySQL and MariaDB commit each DDL statement on its own, so a migration cut off
     * after its first table leaves that table without the record of its migration, and every later
     * start fails on it ("Table 'orders' already exists") until someone drops it by hand.
     */
    private static final class Start {

        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile GatewayApp app;

        /** Creates (migrating the schema) and starts the gateway; the stop waits for this to end. */
        GatewayApp run(GatewayConfig config) {
            try {
                app = GatewayApp.create(config).start();
                return app;
            } finally {
                ended.countDown();
            }
        }

        void stop() {
            if (ended.getCount() > 0) {
                log.info("Order gateway asked to stop while starting: it stops once its start has ended");
            }
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            GatewayApp started = app;
            if (started != null) {
                started.stop();
            }
        }
    }

    /** One line naming the variable, and exit code 2, as for every configuration error. */
    private static void exitInvalid(ConfigException e) {
        System.err.println("invalid configuration: " + e.getMessage());
        System.exit(2);
    }
}
