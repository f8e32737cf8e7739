package com.marketplace.gateway.config;

import static com.marketplace.config.ConfigRules.requireAddressOfThisMachine;
import static com.marketplace.config.ConfigRules.requireBetween;
import static com.marketplace.config.ConfigRules.requireHostPorts;
import static com.marketplace.config.ConfigRules.requireLogLevel;
import static com.marketplace.config.ConfigRules.requirePortOrAny;
import static com.marketplace.config.ConfigRules.requireRange;
import static com.marketplace.config.ConfigRules.requireSecret;
import static com.marketplace.config.ConfigRules.requireText;

import com.marketplace.config.ConfigException;
import com.marketplace.config.EnvReader;
import com.marketplace.http.StopDelay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's configuration (docs/architecture.md, "Configuration and ports"), validated on construction.
 *
 * @throws ConfigException from the constructor and {@link #fromEnv(Map)} when a value is invalid;
 *         the message is one line naming the variable
 */
public record GatewayConfig(
        int httpPort,
        String dbUrl,
        String dbUser,
        String dbPassword,
        int dbPoolSize,
        String kafkaBootstrapServers,
        boolean relayEnabled,
        Duration outboxPollInterval,
        int outboxBatchSize,
        int outboxMaxAttempts,
        Duration outboxRetention,
        Duration outboxLease,
        boolean outboxWakeOnCommit,
        int topicPartitions,
        int topicReplicationFactor,
        Optional<String> adminToken,
        Optional<String> httpHost,
        Duration shutdownDelay,
        Duration idempotencyKeyRetention) {

    public static final String HTTP_PORT = "HTTP_PORT";
    /** The address the HTTP server listens on; unset, every interface. */
    public static final String HTTP_HOST = "HTTP_HOST";
    /** Read by Logback ({@code logback.xml}); {@link #fromEnv} checks it. */
    public static final String LOG_LEVEL = "LOG_LEVEL";
    public static final String DB_URL = "DB_URL";
    public static final String DB_USER = "DB_USER";
    public static final String DB_PASSWORD = "DB_PASSWORD";
    public static final String DB_POOL_SIZE = "DB_POOL_SIZE";
    /** Connections per gateway instance unless {@code DB_POOL_SIZE} says otherwise (docs/operations.md, "Sizing the gateway's database pool"). */
    public static final int DEFAULT_DB_POOL_SIZE = 20;
    public static final String KAFKA_BOOTSTRAP_SERVERS = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String RELAY_ENABLED = "RELAY_ENABLED";
    public static final String OUTBOX_POLL_INTERVAL = "OUTBOX_POLL_INTERVAL";
    public static final String OUTBOX_BATCH_SIZE = "OUTBOX_BATCH_SIZE";
    public static final String OUTBOX_MAX_ATTEMPTS = "OUTBOX_MAX_ATTEMPTS";
    public static final String OUTBOX_RETENTION = "OUTBOX_RETENTION";
    public static final String OUTBOX_LEASE = "OUTBOX_LEASE";
    public static final String OUTBOX_WAKE_ON_COMMIT = "OUTBOX_WAKE_ON_COMMIT";
    public static final String TOPIC_PARTITIONS = "TOPIC_PARTITIONS";
    public static final String TOPIC_REPLICATION_FACTOR = "TOPIC_REPLICATION_FACTOR";
    public static final String ADMIN_TOKEN = "ADMIN_TOKEN";
    /** How long a stopping gateway reports not ready and goes on serving before its port closes ({@link StopDelay}). */
    public static final String SHUTDOWN_DELAY = "SHUTDOWN_DELAY";
    /**
     * How long an {@code Idempotency-Key} is kept at least: within it, the same key and body answer
     * the order they made; after it, the key is deleted and may make a new order.
     */
    public static final String IDEMPOTENCY_KEY_RETENTION = "IDEMPOTENCY_KEY_RETENTION";

    private static final int MAX_BATCH_SIZE = 10_000;
    /** Above MariaDB's and MySQL's default max_connections (151) for a single instance already. */
    private static final int MAX_POOL_SIZE = 500;
    /**
     * Visible ASCII only: the HTTP server reads a header's bytes as ISO-8859-1, so a token with other
     * characters could never match the one a client sends.
     */
    private static final Pattern ADMIN_TOKEN_CHARS = Pattern.compile("[\\x21-\\x7E]{16,256}");
    /** The relay renews its lease every third of it: shorter leases would mean a renewal every few hundred ms. */
    private static final Duration MIN_LEASE = Duration.ofSeconds(1);
    private static final Duration MAX_LEASE = Duration.ofHours(1);
    /**
     * With {@code OUTBOX_WAKE_ON_COMMIT} (the default) the relay also wakes on every commit, so the
     * poll is a fallback; without it, orders wait for it. Either way more than an hour apart is a mistake.
     */
    private static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);
    /** Keeps "now minus the retention" far from overflowing; the lower bound is what tests compress time to. */
    private static final Duration MIN_RETENTION = Duration.ofSeconds(1);
    private static final Duration MAX_RETENTION = Duration.ofDays(3650);
    /** Shorter than a client's retry of a request whose answer it did not get would make the key useless. */
    private static final Duration MIN_KEY_RETENTION = Duration.ofMinutes(1);

    public GatewayConfig {
        // 0 = any free port, as docs/operations.md documents for the gateway
        requirePortOrAny(HTTP_PORT, httpPort);
        requireText(DB_URL, dbUrl);
        if (!dbUrl.startsWith("jdbc:")) {
            // not repeated: a JDBC URL may carry a password
            throw ConfigException.withoutValue(DB_URL, "must be a JDBC URL starting with 'jdbc:'");
        }
        requireText(DB_USER, dbUser);
        Objects.requireNonNull(dbPassword, DB_PASSWORD);
        requireRange(DB_POOL_SIZE, dbPoolSize, 1, MAX_POOL_SIZE);
        requireHostPorts(KAFKA_BOOTSTRAP_SERVERS, kafkaBootstrapServers);
        requireBetween(OUTBOX_POLL_INTERVAL, outboxPollInterval, Duration.ofMillis(1), MAX_POLL_INTERVAL);
        requireRange(OUTBOX_BATCH_SIZE, outboxBatchSize, 1, MAX_BATCH_SIZE);
        requireRange(OUTBOX_MAX_ATTEMPTS, outboxMaxAttempts, 1, 1_000);
        requireBetween(OUTBOX_RETENTION, outboxRetention, MIN_RETENTION, MAX_RETENTION);
        requireBetween(OUTBOX_LEASE, outboxLease, MIN_LEASE, MAX_LEASE);
        requireRange(TOPIC_PARTITIONS, topicPartitions, 1, 10_000);
        requireRange(TOPIC_REPLICATION_FACTOR, topicReplicationFactor, 1, Short.MAX_VALUE);
        Objects.requireNonNull(adminToken, ADMIN_TOKEN);
        adminToken.ifPresent(token -> requireSecret(ADMIN_TOKEN, token, ADMIN_TOKEN_CHARS,
                "must be 16-256 visible ASCII characters when set"));
        Objects.requireNonNull(httpHost, HTTP_HOST);
        httpHost.ifPresent(host -> requireAddressOfThisMachine(HTTP_HOST, host));
        requireBetween(SHUTDOWN_DELAY, shutdownDelay, Duration.ZERO, StopDelay.MAX);
        requireBetween(IDEMPOTENCY_KEY_RETENTION, idempotencyKeyRetention, MIN_KEY_RETENTION, MAX_RETENTION);
    }

    /** Reads every variable of docs/architecture.md ("Configuration and ports") for the gateway, applying the documented defaults. */
    public static GatewayConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        requireLogLevel(LOG_LEVEL, r.optional(LOG_LEVEL));
        return new GatewayConfig(
                r.integer(HTTP_PORT, 7070),
                r.string(DB_URL, "jdbc:mysql://localhost:3306/marketplace"),
                r.string(DB_USER, "root"),
                r.verbatim(DB_PASSWORD, ""),
                r.integer(DB_POOL_SIZE, DEFAULT_DB_POOL_SIZE),
                r.string(KAFKA_BOOTSTRAP_SERVERS, "localhost:9092"),
                r.bool(RELAY_ENABLED, true),
                r.duration(OUTBOX_POLL_INTERVAL, Duration.ofSeconds(1)),
                r.integer(OUTBOX_BATCH_SIZE, 500),
                r.integer(OUTBOX_MAX_ATTEMPTS, 10),
                r.duration(OUTBOX_RETENTION, Duration.ofDays(7)),
                r.duration(OUTBOX_LEASE, Duration.ofSeconds(10)),
                r.bool(OUTBOX_WAKE_ON_COMMIT, true),
                r.integer(TOPIC_PARTITIONS, 3),
                r.integer(TOPIC_REPLICATION_FACTOR, 1),
                r.optional(ADMIN_TOKEN),
                r.optional(HTTP_HOST),
                r.duration(SHUTDOWN_DELAY, Duration.ZERO),
                r.duration(IDEMPOTENCY_KEY_RETENTION, Duration.ofDays(7)));
    }

    /**
     * Kafka client settings of this deployment (where the brokers are). The relay's delivery
     * guarantees are not configuration: {@code OutboxPublisher.producerProperties} adds them.
     */
    public Properties kafkaClientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafkaBootstrapServers);
        return props;
    }

    /** A user's password in the URL's address ({@code //user:password@host}, also after a {@code ,} between hosts). */
    private static final Pattern URL_USER_PASSWORD = Pattern.compile("((?://|,)[^/@:,;?=&()]*:)([^/@,;?&()]*)@");
    /**
     * The same in MySQL's and MariaDB's URLs, whose drivers take the password up to its {@code @}, a
     * {@code ;} included; in other drivers' URLs a {@code ;} begins a property ({@code //db:1433;password=p@ss}).
     */
    private static final Pattern MYSQL_URL_USER_PASSWORD =
            Pattern.compile("((?://|,)[^/@:,;?=&()]*:)([^/@,?&()]*)@");

    private static Pattern userPassword(String url) {
        return url.regionMatches(true, 0, "jdbc:mysql:", 0, 11) || url.regionMatches(true, 0, "jdbc:mariadb:", 0, 13)
                ? MYSQL_URL_USER_PASSWORD : URL_USER_PASSWORD;
    }
    /**
     * A property's name with the separator before it ({@code ?}, {@code &}, {@code ;}, or {@code (} and
     * {@code ,} in a host's {@code (key=value,…)} form) and its {@code =}. A name holds no separator,
     * so finding them all is one pass over the URL: a pattern with a secret's word between two
     * open-ended runs of name backtracked for minutes on a long URL.
     */
    private static final Pattern URL_PROPERTY_NAME = Pattern.compile("[?&;(,][^?=&;(),]*=");
    /**
     * A property's value: in braces ({@code {a;b}}) whole, else up to the next separator of its kind.
     * After {@code ?} or {@code &} (MySQL's and MariaDB's query string) only {@code &} ends it, so a
     * password holding {@code ;}, {@code ,} or a parenthesis is taken whole; after {@code ;} (H2's and
     * SQL Server's form) a {@code ;} ends it; inside a host's {@code (key=value,…)} a {@code ,} or {@code )}.
     */
    private static final Pattern QUERY_VALUE = Pattern.compile("\\{[^}]*}|[^&]*");
    private static final Pattern SEMICOLON_VALUE = Pattern.compile("\\{[^}]*}|[^;]*");
    private static final Pattern HOST_VALUE = Pattern.compile("\\{[^}]*}|[^,)]*");
    /** A property name that may hold a secret: {@code password}, {@code trustStorePassword}, {@code pwd}, … */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i)pass|pwd|secret|token|key");

    /**
     * {@code url} with every password or other secret it carries (a JDBC URL may carry a password in
     * its address or a property) replaced by {@code ***}, so that it can be logged.
     */
    static String redactedUrl(String url) {
        String withoutUserPassword = userPassword(url).matcher(url).replaceAll("$1***@");
        StringBuilder shown = new StringBuilder(withoutUserPassword.length());
        int copied = 0;
        for (MatchResult secret : secretValues(withoutUserPassword)) {
            shown.append(withoutUserPassword, copied, secret.start()).append("***");
            copied = secret.end();
        }
        return shown.append(withoutUserPassword, copied, withoutUserPassword.length()).toString();
    }

    /**
     * The values of {@code url}'s properties whose names say they may hold a secret. A name is looked
     * for after every separator, inside other properties' values too (a value may hold a {@code ?}).
     */
    private static List<MatchResult> secretValues(String url) {
        List<MatchResult> values = new ArrayList<>();
        Matcher name = URL_PROPERTY_NAME.matcher(url);
        for (int from = 0; from < url.length() && name.find(from); ) {
            from = name.end();
            Pattern valuePattern = switch (url.charAt(name.start())) {
                case '?', '&' -> QUERY_VALUE;
                case ';' -> SEMICOLON_VALUE;
                default -> HOST_VALUE;
            };
            Matcher value = valuePattern.matcher(url);
            if (SECRET_NAME.matcher(name.group()).find() && value.region(from, url.length()).lookingAt()) {
                values.add(value.toMatchResult());
                from = value.end();
            }
        }
        return values;
    }

    /**
     * {@code text} with every secret of this configuration in it replaced by {@code ***}: the
     * database password, the admin token and any secret the database URL carries. For the line that
     * reports a failed start, since a driver's or the pool's message may repeat the URL as given.
     */
    public String redacted(String text) {
        List<String> secrets = new ArrayList<>();
        secrets.add(dbPassword);
        adminToken.ifPresent(secrets::add);
        userPassword(dbUrl).matcher(dbUrl).results().forEach(match -> secrets.add(match.group(2)));
        secretValues(dbUrl).forEach(value -> secrets.add(value.group()));
        String result = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                result = result.replace(secret, "***");
            }
        }
        return result;
    }

    /** Secrets are masked so the config can be logged: the password, the admin token and any secret in the URL. */
    @Override
    public String toString() {
        return "GatewayConfig[httpPort=" + httpPort + ", dbUrl=" + redactedUrl(dbUrl) + ", dbUser=" + dbUser
                + ", dbPassword=" + (dbPassword.isEmpty() ? "<empty>" : "***") + ", dbPoolSize=" + dbPoolSize
                + ", kafkaBootstrapServers=" + kafkaBootstrapServers + ", relayEnabled=" + relayEnabled
                + ", outboxPollInterval=" + outboxPollInterval + ", outboxBatchSize=" + outboxBatchSize
                + ", outboxMaxAttempts=" + outboxMaxAttempts + ", outboxRetention=" + outboxRetention
                + ", outboxLease=" + outboxLease + ", outboxWakeOnCommit=" + outboxWakeOnCommit
                + ", topicPartitions=" + topicPartitions + ", topicReplicationFactor=" + topicReplicationFactor
                + ", adminToken=" + (adminToken.isPresent() ? "***" : "<unset>")
                + ", httpHost=" + httpHost.orElse("<every interface>") + ", shutdownDelay=" + shutdownDelay
                + ", idempotencyKeyRetention=" + idempotencyKeyRetention + "]";
    }
}
