package com.marketplace.bench.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one pipeline run does; see {@link PipelineBenchmark} for the system properties.
 *
 * @param servicesRestarted whether the measured gateway and streams app are a second start, on a broker
 *                          and a database that served a first one (a deployment of the services), rather
 *                          than started cold with the broker
 */
public record PipelineSettings(int rate, int seconds, String dbUrl, String dbUser, String dbPassword, Path jars,
        Path workDir, boolean jfr, Map<String, String> gatewayEnv, Map<String, String> streamsEnv,
        Map<String, String> brokerProperties, boolean servicesRestarted) {

    public static PipelineSettings fromSystemProperties() {
        return new PipelineSettings(
                Integer.getInteger("bench.rate", 200),
                Integer.getInteger("bench.seconds", 90),
                System.getProperty("bench.dbUrl", "jdbc:mariadb://127.0.0.1:3306/marketplace_pipeline_bench"),
                System.getProperty("bench.dbUser", "root"),
                System.getProperty("bench.dbPassword", ""),
                Path.of(System.getProperty("bench.jars", ".")),
                Path.of(System.getProperty("bench.workDir", "bench/target/pipeline-bench")),
                Boolean.getBoolean("bench.jfr"),
                prefixed("bench.gateway.env."),
                prefixed("bench.streams.env."),
                prefixed("bench.broker."),
                Boolean.getBoolean("bench.servicesRestarted"));
    }

    public PipelineSettings withRate(int newRate) {
        return new PipelineSettings(newRate, seconds, dbUrl, dbUser, dbPassword, jars, workDir, jfr, gatewayEnv,
                streamsEnv, brokerProperties, servicesRestarted);
    }

    public PipelineSettings withSeconds(int newSeconds) {
        return new PipelineSettings(rate, newSeconds, dbUrl, dbUser, dbPassword, jars, workDir, jfr, gatewayEnv,
                streamsEnv, brokerProperties, servicesRestarted);
    }

    public PipelineSettings withWorkDir(Path newWorkDir) {
        return new PipelineSettings(rate, seconds, dbUrl, dbUser, dbPassword, jars, newWorkDir, jfr, gatewayEnv,
                streamsEnv, brokerProperties, servicesRestarted);
    }

    /** These settings with one more variable for the gateway process. */
    public PipelineSettings withGatewayVariable(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(gatewayEnv);
        env.put(name, value);
        return new PipelineSettings(rate, seconds, dbUrl, dbUser, dbPassword, jars, workDir, jfr, env,
                streamsEnv, brokerProperties, servicesRestarted);
    }

    /** These settings with the measured services started a second time on a running broker. */
    public PipelineSettings withServicesRestarted() {
        return new PipelineSettings(rate, seconds, dbUrl, dbUser, dbPassword, jars, workDir, jfr, gatewayEnv,
                streamsEnv, brokerProperties, true);
    }

    private static Map<String, String> prefixed(String prefix) {
        Map<String, String> env = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(prefix)).sorted()
                .forEach(n -> env.put(n.substring(prefix.length()), System.getProperty(n)));
        return env;
    }
}
