package com.marketplace.streams;

import com.marketplace.config.ConfigException;
import com.marketplace.config.StartupFailure;
import com.marketplace.streams.config.StreamsAppConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one streams-app instance from the environment (docs/architecture.md, "Configuration and ports") and runs it until the JVM
 * is asked to stop. Exits with 2 on an invalid configuration and 1 when the instance cannot start
 * or its streams client dies.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        StreamsAppConfig config;
        try {
            config = StreamsAppConfig.fromEnv(System.getenv());
            requireUsableStateDir(config.stateDir());
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config));
    }

    /**
     * Makes {@code STATE_DIR} when missing and writes and removes a file in it: a directory this
     * instance cannot use is a configuration error, named as one before the broker is asked for
     * anything (the topic check creates missing topics), rather than Kafka Streams' failure to open
     * it later.
     */
    static void requireUsableStateDir(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
            Files.delete(Files.createTempFile(stateDir, ".write-check-", ".tmp"));
        } catch (IOException | SecurityException e) {
            String reason = (e.getClass().getSimpleName() + ": " + e.getMessage()).replaceAll("\\p{Cntrl}", " ");
            throw ConfigException.rejected("STATE_DIR", stateDir,
                    "must be a directory this instance can create and write in (" + reason + ")");
        }
    }

    /**
     * Removes the hook of an app whose start failed, unless the JVM is already running it (then the
     * start failed for it).
     */
    private static void removeUnlessRunning(Thread shutdown) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdown);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or has run: it stopped the app, which ended its start
        }
    }

    /** Runs until shutdown; returns the process exit code. */
    static int run(StreamsAppConfig config) throws InterruptedException {
        // begun first: they wait on the broker and the disk while the app is built (TopicCheck, RocksDbLibrary)
        TopicCheck topics = TopicCheck.begin(config);
        RocksDbLibrary rocksDb = RocksDbLibrary.preload(config.stateDir());
        StreamsApp app;
        try {
            // the Kafka Streams client opens its state directory here: one it cannot write fails it
            app = StreamsApp.create(config);
        } catch (RuntimeException | Error e) { // an Error too: the process must not stay half started
            log.error("streams app failed to start: {}", StartupFailure.describe(e));
            log.debug("start-up failure", e);
            return 1;
        }
        // before the start: a SIGTERM while it runs (the warm-up, Kafka Streams opening the local stores)
        // stops the app, which ends the start and closes Kafka Streams cleanly, instead of halting the JVM
        AtomicBoolean shutdownRequested = new AtomicBoolean();
        Thread shutdown = new Thread(() -> {
            shutdownRequested.set(true);
            log.info("shutdown requested, closing streams");
            app.stop();
        }, "streams-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            app.start(config.httpPort(), topics, rocksDb);
        } catch (RuntimeException | Error e) { // an Error too: the process must not stay half started
            if (shutdownRequested.get()) {
                log.info("streams app start ended by the shutdown");
            } else {
                log.error("streams app failed to start: {}", StartupFailure.describe(e));
            }
            log.debug("start-up failure", e); // the failed start stopped what it had started
            removeUnlessRunning(shutdown);
            return 1;
        }
        return app.awaitTermination() ? 1 : 0;
    }
}
