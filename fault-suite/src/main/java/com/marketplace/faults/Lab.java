package com.marketplace.faults;

import com.marketplace.harness.MariaDbServer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What every scenario of one run shares: where the jars are, a work directory, the scale, and one
 * private MariaDB server (each scenario gets a database of its own on it).
 */
public final class Lab implements AutoCloseable {

    private static Lab shared;

    private final Path jars;
    private final Path workDir;
    private final Scale scale;
    private MariaDbServer mariadb;
    private int scenarios;

    public Lab(Path jars, Path workDir, Scale scale) {
        this.jars = jars.toAbsolutePath().normalize();
        this.workDir = workDir.toAbsolutePath().normalize();
        this.scale = scale;
    }

    /**
     * The lab of this JVM, configured by the system properties {@code faults.jars} [.] (the directory
     * holding {@code order-gateway/target} and {@code streams-app/target}), {@code faults.workDir}
     * [fault-suite/target/fault-suite] and {@code faults.scale} [quick]; closed at JVM exit.
     */
    public static synchronized Lab shared() {
        if (shared == null) {
            shared = new Lab(Path.of(System.getProperty("faults.jars", ".")),
                    Path.of(System.getProperty("faults.workDir", "fault-suite/target/fault-suite")),
                    Scale.valueOf(System.getProperty("faults.scale", "quick").toUpperCase(Locale.ROOT)));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "lab-shutdown"));
        }
        return shared;
    }

    public Scale scale() {
        return scale;
    }

    public Path gatewayJar() {
        return jars.resolve("order-gateway/target/order-gateway.jar");
    }

    public Path streamsJar() {
        return jars.resolve("streams-app/target/streams-app.jar");
    }

    /**
     * The MariaDB server, started on first use, and started again when a scenario left it stopped or
     * it died, so that one scenario's broken server does not fail every scenario after it.
     */
    public synchronized MariaDbServer mariadb() {
        if (mariadb == null || !mariadb.isRunning()) {
            if (mariadb != null) {
                mariadb.restart();
            } else {
                mariadb = MariaDbServer.start(workDir.resolve("mariadb"));
            }
        }
        return mariadb;
    }

    /** A fresh stack for {@code scenario}: its own database, its own directory, nothing started yet. */
    public synchronized Stack newStack(String scenario) {
        scenarios++;
        String database = "faults_" + scenario.replaceAll("[^A-Za-z0-9]", "_") + "_" + scenarios;
        return new Stack(this, scenario, workDir.resolve(scenario + "-" + scenarios), database);
    }

    /** Runs {@code scenario} on a new stack; a scenario that throws is a failed result. */
    public ScenarioResult run(Scenario scenario) {
        try (Stack stack = newStack(scenario.name())) {
            return scenario.run(stack);
        } catch (Exception | AssertionError e) {
            org.slf4j.LoggerFactory.getLogger(Lab.class).error("Scenario {} did not complete", scenario.name(), e);
            return ScenarioResult.crashed(scenario.name(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (mariadb != null) {
            mariadb.close();
        }
    }
}
