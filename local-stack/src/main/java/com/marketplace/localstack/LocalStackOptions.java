package com.marketplace.localstack;

import static com.marketplace.config.ConfigRules.requireHost;
import static com.marketplace.config.ConfigRules.requirePortOrAny;
import static com.marketplace.config.ConfigRules.requireRange;

import com.marketplace.config.ConfigException;
import com.marketplace.config.ConfigRules;
import com.marketplace.config.EnvReader;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the local stack runs with. Defaults give the zero-setup layout of docs/architecture.md
 * ("Configuration and ports"): broker on 9092, gateway on 7070, streams app on 7071, everything
 * stored under {@code ./data}. The environment may move the ports ({@code KAFKA_PORT}, {@code
 * GATEWAY_PORT}, {@code STREAMS_PORT}; 0 = any free port), the data directory ({@code DATA_DIR})
 * and the address the services listen on ({@code HTTP_HOST}, this machine only by default);
 * {@code --demo N} submits N sample orders.
 * Variables are read by {@link EnvReader}: a blank value means the default.
 *
 * @throws ConfigException from the constructor and {@link #parse} when a value or argument is invalid
 */
public record LocalStackOptions(Path dataDir, int kafkaPort, int gatewayPort, int streamsPort, int demoOrders,
        String httpHost) {

    public static final String DATA_DIR = "DATA_DIR";
    public static final String KAFKA_PORT = "KAFKA_PORT";
    public static final String GATEWAY_PORT = "GATEWAY_PORT";
    public static final String STREAMS_PORT = "STREAMS_PORT";
    public static final String DEMO = "--demo";
    /** The address both services listen on; the broker listens on loopback whatever it says. */
    public static final String HTTP_HOST = "HTTP_HOST";
    /** This machine only, as the broker. */
    static final String LOOPBACK = "127.0.0.1";
    static final Path DEFAULT_DATA_DIR = Path.of("data");

    public LocalStackOptions {
        if (dataDir == null) {
            throw ConfigException.withoutValue(DATA_DIR, "must not be empty");
        }
        String absolute = dataDir.toAbsolutePath().toString();
        if (absolute.contains(";") || absolute.contains(",")) {
            // the embedded database's URL (dbUrl) separates its settings with ';', the broker's log.dirs its
            // directories with ','; a relative path counts from the working directory, whose path goes in too
            throw ConfigException.rejected(DATA_DIR, dataDir.toAbsolutePath(), "must not contain ';' or ',', even in"
                    + " its absolute path");
        }
        requirePortOrAny(KAFKA_PORT, kafkaPort);
        requirePortOrAny(GATEWAY_PORT, gatewayPort);
        requirePortOrAny(STREAMS_PORT, streamsPort);
        requireDistinct(GATEWAY_PORT, gatewayPort, KAFKA_PORT, kafkaPort);
        requireDistinct(STREAMS_PORT, streamsPort, KAFKA_PORT, kafkaPort);
        requireDistinct(STREAMS_PORT, streamsPort, GATEWAY_PORT, gatewayPort);
        requireRange(DEMO, demoOrders, 0, 1_000_000);
        requireHost(HTTP_HOST, httpHost);
        if (httpHost.contains("_")) {
            // the streams app advertises it to the other instances (APPLICATION_SERVER), which connect to it
            throw ConfigException.rejected(HTTP_HOST, httpHost, "must be a host name without '_' or an IP address:"
                    + " the streams app gives it to other instances as its address");
        }
    }

    /** Options whose services listen on this machine only. */
    public LocalStackOptions(Path dataDir, int kafkaPort, int gatewayPort, int streamsPort, int demoOrders) {
        this(dataDir, kafkaPort, gatewayPort, streamsPort, demoOrders, LOOPBACK);
    }

    /**
     * @throws ConfigException with a one-line message naming the bad argument or variable
     */
    public static LocalStackOptions parse(String[] args, Map<String, String> env) {
        int demo = 0;
        for (int i = 0; i < args.length; i++) {
            if (DEMO.equals(args[i]) && i + 1 < args.length) {
                demo = new EnvReader(Map.of(DEMO, args[++i])).integer(DEMO, 0);
            } else {
                throw ConfigException.rejected("argument", args[i], "must be " + DEMO + " N (usage: [" + DEMO + " N])");
            }
        }
        EnvReader r = new EnvReader(env);
        // read by Logback (logback.xml), checked here
        ConfigRules.requireLogLevel("LOG_LEVEL", r.optional("LOG_LEVEL"));
        return new LocalStackOptions(
                r.path(DATA_DIR, DEFAULT_DATA_DIR),
                r.integer(KAFKA_PORT, 9092),
                r.integer(GATEWAY_PORT, 7070),
                r.integer(STREAMS_PORT, 7071),
                demo,
                r.string(HTTP_HOST, LOOPBACK));
    }

    /** Two of the stack's ports set to the same number: the second component would find it taken. */
    private static void requireDistinct(String name, int port, String otherName, int otherPort) {
        if (port != 0 && port == otherPort) {
            throw ConfigException.rejected(name, Integer.toString(port), "must differ from " + otherName);
        }
    }

    /**
     * The host the services are reached at from this machine: the address they listen on, loopback
     * for a wildcard address, an IPv6 address in brackets (as a URL and {@code APPLICATION_SERVER}
     * write it).
     */
    public String reachableHost() {
        boolean ipv6 = httpHost.contains(":");
        if (ConfigRules.isWildcardAddress(httpHost)) {
            return ipv6 ? "[::1]" : LOOPBACK;
        }
        return ipv6 ? "[" + httpHost + "]" : httpHost;
    }

    /**
     * The file that receives every log line, the broker's and the Kafka clients' included; the
     * console shows only the system's own. {@code logback.xml} names the same file ({@link LogFileProperty}).
     */
    public Path logFile() {
        return logFile(dataDir);
    }

    static Path logFile(Path dataDir) {
        return dataDir.resolve("local-stack.log");
    }

    /**
     * The H2 file database in MySQL mode, under the data directory. H2 would close it from its own
     * shutdown hook, racing the relay's last round on Ctrl-C; the stack closes it instead, when the
     * gateway's pool closes. Each commit is written to the file before it returns ({@code
     * WRITE_DELAY=0}): by default H2 writes commits in the background up to half a second later, so a
     * killed stack would lose orders whose events its relay had already published
     * ({@code H2CommitDurabilityIT}).
     */
    public String dbUrl() {
        return "jdbc:h2:file:" + dataDir.resolve("db").toAbsolutePath()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }
}
