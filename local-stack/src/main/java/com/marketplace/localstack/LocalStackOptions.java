package com.marketplace.localstack;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the local stack runs with. Defaults give the zero-setup layout of docs/architecture.md ("Components"): broker on
 * 9092, gateway on 7070, streams app on 7071, everything stored under {@code ./data}. The
 * environment may move the ports ({@code KAFKA_PORT}, {@code GATEWAY_PORT}, {@code STREAMS_PORT})
 * and the data directory ({@code DATA_DIR}); {@code --demo N} submits N sample orders.
 */
public record LocalStackOptions(Path dataDir, int kafkaPort, int gatewayPort, int streamsPort, int demoOrders) {

    public static final String DATA_DIR = "DATA_DIR";
    public static final String KAFKA_PORT = "KAFKA_PORT";
    public static final String GATEWAY_PORT = "GATEWAY_PORT";
    public static final String STREAMS_PORT = "STREAMS_PORT";

    public LocalStackOptions {
        requirePort(KAFKA_PORT, kafkaPort);
        requirePort(GATEWAY_PORT, gatewayPort);
        requirePort(STREAMS_PORT, streamsPort);
        if (demoOrders < 0 || demoOrders > 1_000_000) {
            throw new IllegalArgumentException("--demo must be a number of orders from 0 to 1000000, was " + demoOrders);
        }
    }

    /**
     * @throws IllegalArgumentException with a one-line message naming the bad argument or variable
     */
    public static LocalStackOptions parse(String[] args, Map<String, String> env) {
        int demo = 0;
        for (int i = 0; i < args.length; i++) {
            if ("--demo".equals(args[i]) && i + 1 < args.length) {
                demo = integer("--demo", args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument '" + args[i] + "'; usage: [--demo N]");
            }
        }
        return new LocalStackOptions(
                Path.of(env.getOrDefault(DATA_DIR, "data")),
                integer(KAFKA_PORT, env.getOrDefault(KAFKA_PORT, "9092")),
                integer(GATEWAY_PORT, env.getOrDefault(GATEWAY_PORT, "7070")),
                integer(STREAMS_PORT, env.getOrDefault(STREAMS_PORT, "7071")),
                demo);
    }

    /**
     * The file that receives every log line, the broker's and the Kafka clients' included; the
     * console shows only the system's own. {@code logback.xml} names the same file.
     */
    public Path logFile() {
        return dataDir.resolve("local-stack.log");
    }

    /**
     * The H2 file database in MySQL mode, under the data directory. H2 would close it from its own
     * shutdown hook, racing the relay's last round on Ctrl-C; the stack closes it instead, when the
     * gateway's pool closes.
     */
    public String dbUrl() {
        return "jdbc:h2:file:" + dataDir.resolve("db").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE";
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + value + "'");
        }
    }

    private static void requirePort(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be a port from 0 to 65535, was " + port);
        }
    }
}
