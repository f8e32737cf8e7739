package com.marketplace.streams.config;

import static com.marketplace.config.ConfigRules.requireAddressOfThisMachine;
import static com.marketplace.config.ConfigRules.requireBetween;
import static com.marketplace.config.ConfigRules.requireConnectableHostPort;
import static com.marketplace.config.ConfigRules.requireHostPorts;
import static com.marketplace.config.ConfigRules.requireLogLevel;
import static com.marketplace.config.ConfigRules.requireMatches;
import static com.marketplace.config.ConfigRules.requireOneOf;
import static com.marketplace.config.ConfigRules.requirePort;
import static com.marketplace.config.ConfigRules.requireRange;
import static com.marketplace.config.ConfigRules.requireSecret;

import com.marketplace.config.ConfigException;
import com.marketplace.config.EnvReader;
import com.marketplace.events.Topics;
import com.marketplace.http.StopDelay;
import com.marketplace.streams.dedupe.DedupeStoreRocksDbOptions;
import com.marketplace.streams.errors.DeadLetterDeserializationHandler;
import com.marketplace.streams.errors.DeadLetterProcessingHandler;
import com.marketplace.streams.errors.DeadLetterProductionHandler;
import com.marketplace.streams.errors.InputTimestamps;
import com.marketplace.streams.query.QueryPaths;
import com.marketplace.streams.serde.StateValueFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Configuration of the streams app, read from environment variables (docs/architecture.md, "Configuration and ports") and
 * validated when constructed: an invalid value throws {@link ConfigException} whose
 * one-line message names the variable.
 *
 * <p>Variables and defaults: {@code HTTP_PORT} [7071], {@code KAFKA_BOOTSTRAP_SERVERS}
 * [localhost:9092], {@code APPLICATION_ID} [marketplace-streams], {@code STATE_DIR}
 * [./data/streams-state], {@code APPLICATION_SERVER} [localhost:7071], {@code DEDUPE_RETENTION}
 * [P7D; {@link #MIN_RETENTION} to {@link #MAX_RETENTION}], {@code PROCESSING_GUARANTEE} [exactly_once_v2; or at_least_once],
 * {@code NUM_STANDBY_REPLICAS} [0], {@code TOPIC_PARTITIONS} [3], {@code TOPIC_REPLICATION_FACTOR} [1],
 * {@code INSTANCE_SECRET} [unset: the application id marks the instances' forwarded queries; 16 to 256
 * visible ASCII characters, the same on every instance of the application],
 * {@code PARTIAL_ORDER_RETENTION} [P7D; as the dedupe retention], {@code STATE_VALUE_FORMAT} [compact; or smile, for the first
 * restart of a rolling upgrade from a version that wrote Smile, see {@link StateValueFormat}],
 * {@code COMMIT_INTERVAL} [PT0.04S under exactly_once_v2, PT1S under at_least_once; 1 ms to
 * {@link #MAX_COMMIT_INTERVAL}], {@code INPUT_FETCH_WAIT} [PT0S; 0, or 1 ms to {@link #MAX_INPUT_FETCH_WAIT}: how
 * long the broker may hold a fetch of the input for more records], {@code JIT_WARMUP_EVENTS} [{@value #DEFAULT_JIT_WARMUP_EVENTS};
 * synthetic events run through the topology at start, off the record, before the instance reports
 * ready; 0 to {@value #MAX_JIT_WARMUP_EVENTS}, 0 for none], {@code HTTP_HOST} [unset: every interface;
 * the address the HTTP server listens on], {@code SHUTDOWN_DELAY} [PT0S; 0 to 60 s: how long a ready
 * instance that is told to stop reports not ready and goes on answering queries before it stops,
 * {@link StopDelay}].
 */
public record StreamsAppConfig(
        int httpPort,
        String bootstrapServers,
        String applicationId,
        Path stateDir,
        String applicationServer,
        Duration dedupeRetention,
        String processingGuarantee,
        int numStandbyReplicas,
        int topicPartitions,
        int topicReplicationFactor,
        Optional<String> instanceSecret,
        Duration partialOrderRetention,
        StateValueFormat stateValueFormat,
        Duration commitInterval,
        int jitWarmUpEvents,
        Optional<String> httpHost,
        Duration shutdownDelay,
        Duration inputFetchWait) {

    public static final String EXACTLY_ONCE_V2 = StreamsConfig.EXACTLY_ONCE_V2;
    public static final String AT_LEAST_ONCE = StreamsConfig.AT_LEAST_ONCE;
    /**
     * Default commit interval under exactly_once_v2 ({@code COMMIT_INTERVAL} sets another). Outputs
     * become visible to read_committed consumers only when their transaction commits, so a record
     * waits half an interval on average; each commit costs the broker a transaction over every
     * partition it touched, so shorter is dearer (operations.md, "The commit interval: latency
     * against CPU").
     */
    public static final Duration EOS_COMMIT_INTERVAL = Duration.ofMillis(40);
    /**
     * The longest {@code INPUT_FETCH_WAIT} accepted: Kafka's own default for a consumer's fetch wait. The
     * setting (none by default) lets the broker hold the stream thread's fetch of its input for more
     * records: at a steady few hundred orders a second a fetch otherwise returns for nearly every record,
     * and each fetch is a request the broker and the stream thread wake up for (operations.md, "The
     * input's fetches, held").
     */
    public static final Duration MAX_INPUT_FETCH_WAIT = Duration.ofMillis(500);
    /**
     * What a held fetch waits for, besides the time: more than the input brings in
     * {@link #MAX_INPUT_FETCH_WAIT} at a steady load of a few hundred orders a second, so the wait
     * decides, while a backlog fills it at once.
     */
    static final int INPUT_FETCH_MIN_BYTES = 1024 * 1024;
    /**
     * Producer linger under exactly_once_v2, in commit intervals: twice the interval, so the commit,
     * which flushes the producer, is what sends the records. Nothing a transaction writes is visible
     * before it commits, so lingering costs no latency; it saves the broker a produce request per
     * partition every few milliseconds (at a steady 200 orders/s the records of one 40 ms
     * transaction go out in one request per partition instead of one per record), and the next
     * transaction's first records seldom reach a partition while the previous transaction's markers
     * are still being written there. Full batches ({@link #PRODUCER_BATCH_BYTES}) are sent at once
     * in any case.
     */
    private static final int EOS_LINGER_PER_COMMIT_INTERVAL = 2;
    /** Producer linger under at_least_once, where a record is visible as soon as it is written. */
    public static final Duration ALOS_PRODUCER_LINGER = Duration.ofMillis(5);
    /** Default commit interval under at_least_once: how much may be reprocessed after a crash. */
    public static final Duration ALOS_COMMIT_INTERVAL = Duration.ofSeconds(1);
    /**
     * The longest {@code COMMIT_INTERVAL} accepted: under exactly_once_v2 a transaction stays open
     * for a whole interval, and Kafka Streams gives its producer a transaction timeout of 10 s, past
     * which the broker aborts it; half of that leaves room for a slow commit.
     */
    public static final Duration MAX_COMMIT_INTERVAL = Duration.ofSeconds(5);
    /**
     * Bounds of {@code DEDUPE_RETENTION} and {@code PARTIAL_ORDER_RETENTION}. The upper one keeps
     * "now minus the retention" and the stores' retention in milliseconds far from overflowing;
     * the lower one is what the fault scenarios compress time to, not a sensible production value.
     */
    public static final Duration MIN_RETENTION = Duration.ofSeconds(1);
    public static final Duration MAX_RETENTION = Duration.ofDays(3650);
    /**
     * Synthetic events run through the topology at start ({@code JIT_WARMUP_EVENTS}): enough for the
     * JIT's second tier to compile the per-event code (its thresholds are some 5,000-15,000 calls).
     */
    public static final int DEFAULT_JIT_WARMUP_EVENTS = 20_000;
    public static final int MAX_JIT_WARMUP_EVENTS = 1_000_000;
    /**
     * How much longer than its store a window store's changelog keeps its records (Kafka Streams'
     * default: a day): as long as the order topics keep theirs ({@link Topics#RETENTION_MS}). A
     * changelog record carries the timestamp of the input record that wrote it, and the broker deletes
     * by those timestamps, while the store forgets by stream time; an app that reads its input days
     * late (after an outage) stores entries whose changelog records the broker would otherwise delete
     * while the store still needs them, and a store rebuilt from that changelog (after a crash under
     * exactly_once_v2) would let copies of their events through.
     */
    public static final Duration WINDOW_CHANGELOG_ADDITIONAL_RETENTION = Duration.ofMillis(Topics.RETENTION_MS);
    /** Record cache shared by the stores of one instance. */
    public static final long STATE_CACHE_BYTES = 32L * 1024 * 1024;
    /** Producer batch size per partition. */
    public static final int PRODUCER_BATCH_BYTES = 128 * 1024;
    /** Records the stream thread takes from one poll of its input topics (Kafka Streams' default: 1,000). */
    public static final int MAIN_CONSUMER_MAX_POLL_RECORDS = 250;

    private static final Pattern SECRET_CHARS = Pattern.compile("[\\x21-\\x7E]{16,256}");
    private static final Pattern APPLICATION_ID_CHARS = Pattern.compile("(?!\\.+$)[A-Za-z0-9._\\-]{1,200}");

    public StreamsAppConfig {
        // 1-65535: the port is advertised to the other instances in APPLICATION_SERVER, so "any free port" cannot work
        requirePort("HTTP_PORT", httpPort);
        requireHostPorts("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        requireMatches("APPLICATION_ID", applicationId, APPLICATION_ID_CHARS,
                "must be 1-200 of letters, digits, '.', '_' and '-', not dots alone");
        if (stateDir == null) {
            throw ConfigException.withoutValue("STATE_DIR", "must not be empty");
        }
        // advertised to the other instances, which send queries there
        requireConnectableHostPort("APPLICATION_SERVER", applicationServer);
        requireBetween("DEDUPE_RETENTION", dedupeRetention, MIN_RETENTION, MAX_RETENTION);
        requireOneOf("PROCESSING_GUARANTEE", processingGuarantee, List.of(EXACTLY_ONCE_V2, AT_LEAST_ONCE));
        requireRange("NUM_STANDBY_REPLICAS", numStandbyReplicas, 0, 10);
        requireRange("TOPIC_PARTITIONS", topicPartitions, 1, QueryPaths.MAX_PARTITIONS);
        requireRange("TOPIC_REPLICATION_FACTOR", topicReplicationFactor, 1, Short.MAX_VALUE);
        Objects.requireNonNull(instanceSecret, "INSTANCE_SECRET");
        instanceSecret.ifPresent(secret -> requireSecret("INSTANCE_SECRET", secret, SECRET_CHARS,
                "must be 16-256 visible ASCII characters when set"));
        requireBetween("PARTIAL_ORDER_RETENTION", partialOrderRetention, MIN_RETENTION, MAX_RETENTION);
        Objects.requireNonNull(stateValueFormat, "STATE_VALUE_FORMAT");
        requireBetween("COMMIT_INTERVAL", commitInterval, Duration.ofMillis(1), MAX_COMMIT_INTERVAL);
        requireRange("JIT_WARMUP_EVENTS", jitWarmUpEvents, 0, MAX_JIT_WARMUP_EVENTS);
        Objects.requireNonNull(httpHost, "HTTP_HOST");
        httpHost.ifPresent(host -> requireAddressOfThisMachine("HTTP_HOST", host));
        requireBetween("SHUTDOWN_DELAY", shutdownDelay, Duration.ZERO, StopDelay.MAX);
        requireBetween("INPUT_FETCH_WAIT", inputFetchWait, Duration.ZERO, MAX_INPUT_FETCH_WAIT);
        if (!inputFetchWait.isZero() && inputFetchWait.toMillis() == 0) {
            // Kafka counts the wait in whole milliseconds: a held fetch of 0 ms would come back at once, empty
            throw ConfigException.rejected("INPUT_FETCH_WAIT", inputFetchWait, "must be 0 or at least 1 ms");
        }
    }

    /** The configuration with every default (a broker on localhost:9092). */
    public static StreamsAppConfig defaults() {
        return fromEnv(Map.of());
    }

    /**
     * Reads the configuration from environment variables; absent or blank variables take their default.
     *
     * @throws ConfigException naming the first invalid variable
     */
    public static StreamsAppConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        // read by Logback (logback.xml), checked here
        requireLogLevel("LOG_LEVEL", r.optional("LOG_LEVEL"));
        String guarantee = r.string("PROCESSING_GUARANTEE", EXACTLY_ONCE_V2);
        return new StreamsAppConfig(
                r.integer("HTTP_PORT", 7071),
                r.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                r.string("APPLICATION_ID", "marketplace-streams"),
                r.path("STATE_DIR", Path.of("./data/streams-state")),
                r.string("APPLICATION_SERVER", "localhost:7071"),
                r.duration("DEDUPE_RETENTION", Duration.ofDays(7)),
                guarantee,
                r.integer("NUM_STANDBY_REPLICAS", 0),
                r.integer("TOPIC_PARTITIONS", 3),
                r.integer("TOPIC_REPLICATION_FACTOR", 1),
                r.optional("INSTANCE_SECRET"),
                r.duration("PARTIAL_ORDER_RETENTION", Duration.ofDays(7)),
                stateValueFormat(r.string("STATE_VALUE_FORMAT", StateValueFormat.COMPACT.settingValue())),
                r.duration("COMMIT_INTERVAL",
                        EXACTLY_ONCE_V2.equals(guarantee) ? EOS_COMMIT_INTERVAL : ALOS_COMMIT_INTERVAL),
                r.integer("JIT_WARMUP_EVENTS", DEFAULT_JIT_WARMUP_EVENTS),
                r.optional("HTTP_HOST"),
                r.duration("SHUTDOWN_DELAY", Duration.ZERO),
                r.duration("INPUT_FETCH_WAIT", Duration.ZERO));
    }

    private static StateValueFormat stateValueFormat(String value) {
        return StateValueFormat.fromSetting(value).orElseThrow(() -> ConfigException.rejected("STATE_VALUE_FORMAT",
                value, "must be one of " + Arrays.stream(StateValueFormat.values())
                        .map(StateValueFormat::settingValue).collect(Collectors.joining(", "))));
    }

    /** A copy pointing at other brokers and another state directory (tests, local stack). */
    public StreamsAppConfig withKafka(String servers, Path directory) {
        return new StreamsAppConfig(httpPort, servers, applicationId, directory, applicationServer,
                dedupeRetention, processingGuarantee, numStandbyReplicas, topicPartitions, topicReplicationFactor,
                instanceSecret, partialOrderRetention, stateValueFormat, commitInterval, jitWarmUpEvents, httpHost,
                shutdownDelay, inputFetchWait);
    }

    /** A copy with another dedupe retention. */
    public StreamsAppConfig withDedupeRetention(Duration retention) {
        return new StreamsAppConfig(httpPort, bootstrapServers, applicationId, stateDir, applicationServer,
                retention, processingGuarantee, numStandbyReplicas, topicPartitions, topicReplicationFactor,
                instanceSecret, partialOrderRetention, stateValueFormat, commitInterval, jitWarmUpEvents, httpHost,
                shutdownDelay, inputFetchWait);
    }

    /**
     * A copy serving HTTP on {@code port} and advertising {@code server} (host:port) to the other
     * instances; {@code server} must reach this instance's HTTP port.
     */
    public StreamsAppConfig withHttp(int port, String server) {
        return new StreamsAppConfig(port, bootstrapServers, applicationId, stateDir, server,
                dedupeRetention, processingGuarantee, numStandbyReplicas, topicPartitions, topicReplicationFactor,
                instanceSecret, partialOrderRetention, stateValueFormat, commitInterval, jitWarmUpEvents, httpHost,
                shutdownDelay, inputFetchWait);
    }

    /** A copy with another number of standby replicas per stateful task. */
    public StreamsAppConfig withStandbyReplicas(int standbys) {
        return new StreamsAppConfig(httpPort, bootstrapServers, applicationId, stateDir, applicationServer,
                dedupeRetention, processingGuarantee, standbys, topicPartitions, topicReplicationFactor,
                instanceSecret, partialOrderRetention, stateValueFormat, commitInterval, jitWarmUpEvents, httpHost,
                shutdownDelay, inputFetchWait);
    }

    /** A copy with another application id (each benchmark or test run gets its own consumer group). */
    public StreamsAppConfig withApplicationId(String id) {
        return new StreamsAppConfig(httpPort, bootstrapServers, id, stateDir, applicationServer,
                dedupeRetention, processingGuarantee, numStandbyReplicas, topicPartitions, topicReplicationFactor,
                instanceSecret, partialOrderRetention, stateValueFormat, commitInterval, jitWarmUpEvents, httpHost,
                shutdownDelay, inputFetchWait);
    }

    /** A copy whose instances recognise each other's forwarded queries by {@code secret}. */
    public StreamsAppConfig withInstanceSecret(String secret) {
        return new StreamsAppConfig(httpPort, bootstrapServers, applicationId, stateDir, applicationServer,
                dedupeRetention, processingGuarantee, numStandbyReplicas, topicPartitions, topicReplicationFactor,
                Optional.of(secret), partialOrderRetention, stateValueFormat, commitInterval, jitWarmUpEvents,
                httpHost, shutdownDelay, inputFetchWait);
    }

    /** The secret is masked so the configuration can be logged. */
    @Override
    public String toString() {
        return "StreamsAppConfig[httpPort=" + httpPort + ", bootstrapServers=" + bootstrapServers
                + ", applicationId=" + applicationId + ", stateDir=" + stateDir + ", applicationServer="
                + applicationServer + ", dedupeRetention=" + dedupeRetention + ", processingGuarantee="
                + processingGuarantee + ", numStandbyReplicas=" + numStandbyReplicas + ", topicPartitions="
                + topicPartitions + ", topicReplicationFactor=" + topicReplicationFactor + ", instanceSecret="
                + (instanceSecret.isPresent() ? "***" : "<unset>") + ", partialOrderRetention=" + partialOrderRetention
                + ", stateValueFormat=" + stateValueFormat.settingValue() + ", commitInterval=" + commitInterval
                + ", jitWarmUpEvents=" + jitWarmUpEvents + ", httpHost=" + httpHost.orElse("<every interface>")
                + ", shutdownDelay=" + shutdownDelay + ", inputFetchWait=" + inputFetchWait + "]";
    }

    /** A copy that runs {@code events} synthetic events through the topology at start (0: none). */
    public StreamsAppConfig withJitWarmUpEvents(int events) {
        return new StreamsAppConfig(httpPort, bootstrapServers, applicationId, stateDir, applicationServer,
                dedupeRetention, processingGuarantee, numStandbyReplicas, topicPartitions, topicReplicationFactor,
                instanceSecret, partialOrderRetention, stateValueFormat, commitInterval, events, httpHost,
                shutdownDelay, inputFetchWait);
    }

    public boolean exactlyOnce() {
        return EXACTLY_ONCE_V2.equals(processingGuarantee);
    }

    private Duration producerLinger() {
        return exactlyOnce() ? commitInterval.multipliedBy(EOS_LINGER_PER_COMMIT_INTERVAL) : ALOS_PRODUCER_LINGER;
    }

    /** The Kafka Streams properties of this configuration. */
    public Properties toStreamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().normalize().toString());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, numStandbyReplicas);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, topicReplicationFactor);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        props.put(StreamsConfig.WINDOW_STORE_CHANGE_LOG_ADDITIONAL_RETENTION_MS_CONFIG,
                WINDOW_CHANGELOG_ADDITIONAL_RETENTION.toMillis());
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // Failures the topology does not route itself (an unexpected exception in a stateless step,
        // an input record that cannot be deserialized, an output that cannot be serialized) are
        // dead-lettered in the same format as the decode step's (DeadLetters) instead of stopping the
        // app. A stored state value that cannot be read, a failure of Kafka Streams itself, any
        // exception in order-statistics and an output too large to write stop it
        // (DeadLetterProcessingHandler, DeadLetterProductionHandler).
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName());
        // an input record without a valid timestamp is processed at its partition's time, not a stop
        props.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, InputTimestamps.class.getName());
        // A record cache of 32 MiB instead of Kafka's 10 MiB: more updates of the same key collapse
        // between commits, so fewer changelog records are written (measured when the topology still
        // had repartition topics: 7.9 -> 7.3 writes per input record, ~10% more throughput).
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, STATE_CACHE_BYTES);
        // dedupe-store's look-ups by eventId use prefix Bloom filters (DedupeStoreRocksDbOptions).
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, DedupeStoreRocksDbOptions.class.getName());
        // No producer compression (Kafka's default). Every commit closes small batches on many output
        // and changelog partitions, and lz4 set up a compressor for each one: measured on the
        // reference machine (the topology then had repartition topics too), ~40% faster without it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), producerLinger().toMillis());
        // 128 KiB producer batches instead of 16 KiB: one input record becomes ~6 writes, so each
        // partition collects far more than 16 KiB between commits, and fewer, larger produce
        // requests cost the broker and the producer's I/O thread less CPU (measured with a warm JVM:
        // 9.4k-11.3k -> 12.1k-12.6k input records/s).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // The stream thread takes up tasks whose state has been restored only between its processing
        // loops, and a loop lasts until the records of the last poll are processed. After a restart the
        // first restored task has a backlog, so with Kafka Streams' 1,000 records per poll the other
        // tasks waited about a second more, with a JIT still cold, before the instance was RUNNING.
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
                MAIN_CONSUMER_MAX_POLL_RECORDS);
        // The first records of a transaction can reach a partition while the previous transaction's
        // markers are still being written there; the broker then retries for up to 100 ms and answers
        // CONCURRENT_TRANSACTIONS. Retrying after 10 ms instead of the default 100 ms keeps such a
        // stall from adding a whole default backoff to the commit.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        // A task reads two topics (created, status-changed) and processes them in timestamp order:
        // Kafka's default max.task.idle.ms (0) makes it wait for a partition that has records on the
        // broker but none buffered yet, instead of running ahead on the other one. The dedupe store
        // depends on that order (DedupeProcessor): it is one window store per task, its stream time
        // is the newest timestamp put into it from either topic, and it forgets what lies more than
        // DEDUPE_RETENTION behind that. Processing whatever happens to be buffered (-1) let one topic
        // run ahead of the other during a backlog, far enough that a copy re-published well within
        // the retention found its original already expired and passed as a new event.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        if (!inputFetchWait.isZero()) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
                    (int) inputFetchWait.toMillis());
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), INPUT_FETCH_MIN_BYTES);
        }
        props.putAll(membershipProperties());
        return props;
    }

    /** How long the group waits for an instance that stopped heartbeating before moving its tasks. */
    public static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Group membership that makes a restart quick. Static membership ({@code group.instance.id},
     * derived from {@code APPLICATION_SERVER}, which is unique per instance already): an instance
     * that comes back after a crash takes its old place at once, instead of waiting for the group to
     * expire the dead member's session first. A session of {@link #SESSION_TIMEOUT} instead of
     * Kafka's 45 s bounds how long the tasks of an instance that does not come back stay unserved.
     */
    private Map<String, Object> membershipProperties() {
        return Map.of(
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), groupInstanceId(),
                StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) SESSION_TIMEOUT.toMillis());
    }

    /** {@code APPLICATION_SERVER} with every character a group instance id may not hold replaced by '_'. */
    private String groupInstanceId() {
        return applicationServer.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
