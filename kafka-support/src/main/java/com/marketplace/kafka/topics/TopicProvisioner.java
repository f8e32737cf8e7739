package com.marketplace.kafka.topics;

import com.marketplace.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that creates the pipeline's topics, used by the gateway's relay and the streams app.
 *
 * <p>{@link #provision} creates whichever of the two order topics ({@link Topics#ORDER_EVENT_TOPICS})
 * and the given other topics are missing, with the configured partitions, replication factor and
 * retention, deleted by age, timestamps at most {@link #MAX_TIMESTAMP_AHEAD} ahead and, for topics of
 * outputs, records as large as a limit set on the existing order topics; existing topics are left as they are,
 * but for a compacted one or a topic of outputs taking smaller records than the order topics, which
 * it refuses ({@link TopicsRefusedException}). It guarantees that afterwards both order topics
 * have the same partition count, and refuses with {@link CoPartitioningException} otherwise: before
 * creating anything when an existing order topic's count differs from the other's (or from the
 * count the missing one would be created with), and after creating when another service created one
 * concurrently with another count.
 */
public final class TopicProvisioner {

    /**
     * How far ahead of the broker's clock a record's timestamp may lie on the topics created here
     * ({@code message.timestamp.after.max.ms}); the broker refuses a record stamped later. The streams
     * app's dedupe store and orders-per-minute windows keep time by the newest record timestamp, so a
     * record stamped days ahead (a producer's clock running ahead, a hand-set timestamp) would make
     * them forget everything older; with this bound it shortens their memory by at most an hour.
     * Kafka 4's broker default is the same; it is set on the topic so that a broker configured
     * otherwise (or a 3.x one, whose default is unbounded) does not lift it. Brokers older than 3.6 do
     * not know the setting and refuse to create the topic: create the topics there beforehand.
     */
    public static final Duration MAX_TIMESTAMP_AHEAD = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration METADATA_RETRY = Duration.ofMillis(100);

    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;
    private final Duration retention;

    /**
     * @param partitions        partitions of the topics this provisioner creates
     * @param replicationFactor replication factor of the topics it creates (at most the number of brokers)
     * @param retention         {@code retention.ms} of the topics it creates
     */
    public TopicProvisioner(Admin admin, int partitions, int replicationFactor, Duration retention) {
        if (partitions < 1 || replicationFactor < 1 || replicationFactor > Short.MAX_VALUE
                || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("partitions " + partitions + ", replication factor " + replicationFactor
                    + ", retention " + retention + ": each must be positive, the replication factor at most "
                    + Short.MAX_VALUE);
        }
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = (short) replicationFactor;
        this.retention = retention;
    }

    /** The pipeline's retention for every topic it creates ({@link Topics#RETENTION_MS}). */
    public static TopicProvisioner withPipelineRetention(Admin admin, int partitions, int replicationFactor) {
        return new TopicProvisioner(admin, partitions, replicationFactor, Duration.ofMillis(Topics.RETENTION_MS));
    }

    /**
     * How long closing an admin client of {@link #adminProperties} should be given, once its work is done
     * or given up: {@code close()} without a timeout waits for the calls still pending (a failed attempt's,
     * a retry begun near its end), each up to its own bound, so an attempt could last twice its timeout.
     */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    /**
     * Admin client settings whose every call gives up after {@code timeout} when the brokers are
     * unreachable; close the client with {@link #CLOSE_TIMEOUT}.
     */
    public static Properties adminProperties(Map<?, ?> clientProperties, Duration timeout) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        return props;
    }

    /**
     * Creates the missing order topics and {@code otherTopics}, then checks that the order topics
     * are co-partitioned.
     *
     * @return the names of the topics this call created and the order topics' partition count
     * @throws CoPartitioningException when the two order topics have, or would get, different partition counts
     * @throws TopicsRefusedException when the brokers refuse a creation or description for a reason a
     *                                retry does not change ({@link #isRefusal})
     * @throws IllegalStateException when the brokers have not answered every call within {@code timeout}
     *                               (for the whole provision, not each call), or refuse for a reason that may pass
     */
    public ProvisionedTopics provision(Collection<String> otherTopics, Duration timeout) {
        Set<String> wanted = new LinkedHashSet<>(Topics.ORDER_EVENT_TOPICS);
        wanted.addAll(otherTopics);
        Deadline deadline = Deadline.after(timeout);
        try {
            Set<String> existing = admin.listTopics().names().get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
            long orderRecordLimit = requireUsableSettings(wanted.stream().filter(existing::contains).toList(),
                    deadline);
            Map<String, Integer> orderTopicPartitions = new HashMap<>(existingPartitions(
                    Topics.ORDER_EVENT_TOPICS.stream().filter(existing::contains).toList(), deadline));
            requireCoPartitioned(orderTopicPartitions, "would be created with");
            List<String> created = new ArrayList<>();
            List<String> raced = new ArrayList<>();
            createMissing(wanted.stream().filter(t -> !existing.contains(t)).toList(), orderRecordLimit, created,
                    raced, deadline);
            if (!raced.isEmpty() || created.stream().anyMatch(Topics.ORDER_EVENT_TOPICS::contains)) {
                // another client created these between the listing and the creation, with settings of its own;
                // or order topics were created now, whose limit the topics of outputs that were there already
                // were not held to above
                requireUsableSettings(wanted.stream().filter(t -> existing.contains(t) || raced.contains(t)
                        || created.contains(t) && Topics.ORDER_EVENT_TOPICS.contains(t)).toList(), deadline);
            }
            orderTopicPartitions.putAll(existingPartitions(
                    raced.stream().filter(Topics.ORDER_EVENT_TOPICS::contains).toList(), deadline));
            requireCoPartitioned(orderTopicPartitions, "was created with");
            int orderPartitions = orderTopicPartitions.getOrDefault(Topics.ORDER_CREATED, partitions);
            log.info("Topics created: {}; order topics have {} partitions each", created, orderPartitions);
            return new ProvisionedTopics(created, orderPartitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        } catch (ExecutionException e) {
            if (isRefusal(e.getCause())) {
                throw new TopicsRefusedException("the brokers refused the topics: " + describe(e), e);
            }
            if (e.getCause() instanceof InvalidReplicationFactorException) {
                throw new IllegalStateException("the topics' replication factor " + replicationFactor
                        + " (TOPIC_REPLICATION_FACTOR) is more than the brokers registered: "
                        + describe(e), e);
            }
            throw new IllegalStateException("cannot list, describe or create topics: " + describe(e), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot list, describe or create topics: " + describe(e), e);
        }
    }

    /** Creates the order topics only when missing, and checks they are co-partitioned; see {@link #provision}. */
    public ProvisionedTopics provisionOrderTopics(Duration timeout) {
        return provision(List.of(), timeout);
    }

    /**
     * @param orderRecordLimit the {@code max.message.bytes} set on an order topic itself (else 0): a
     *                         topic of outputs is created taking records as large
     */
    private void createMissing(List<String> missing, long orderRecordLimit, List<String> created, List<String> raced,
                               Deadline deadline) throws InterruptedException, ExecutionException, TimeoutException {
        if (missing.isEmpty()) {
            return;
        }
        // deletion by age, whatever the broker's default policy (log.cleanup.policy) says
        Map<String, String> configs = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Long.toString(MAX_TIMESTAMP_AHEAD.toMillis()));
        Map<String, String> outputConfigs = withRecordLimit(configs, orderRecordLimit);
        // dead letters are sized for Kafka's default limit, whatever the broker's default says
        Map<String, String> dlqConfigs = withRecordLimit(configs, Topics.DLQ_MAX_MESSAGE_BYTES);
        List<NewTopic> topics = missing.stream().map(name -> {
            Map<String, String> settings = configs;
            if (Topics.DLQ.equals(name)) {
                settings = dlqConfigs;
            } else if (orderRecordLimit > 0 && holdsOutputs(name)) {
                settings = outputConfigs;
            }
            return new NewTopic(name, partitions, replicationFactor).configs(settings);
        }).toList();
        for (Map.Entry<String, KafkaFuture<Void>> entry : admin.createTopics(topics).values().entrySet()) {
            try {
                entry.getValue().get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another gateway or streams instance created it meanwhile, perhaps with another count
                log.debug("Topic {} was created concurrently", entry.getKey());
                raced.add(entry.getKey());
            }
        }
    }

    /**
     * Refuses existing topics that are compacted: every topic of the pipeline is keyed by orderId and
     * holds every event or output of an order, and compaction would keep only each order's last one
     * (a streams app that restarts from the topic, or lags behind it, would never see the others).
     * Refuses an existing topic of outputs (not an order topic, not the DLQ) that takes smaller records
     * than an existing order topic ({@code max.message.bytes}): what the streams app derives from an
     * event is no larger than the event, and an output the broker refuses could not be written, only
     * dead-lettered after the fact; a missing one is created taking records as large when the order
     * topics' limit is set on them (else both follow the broker's default). Retention
     * shorter than this provisioner's is left to the operator, with a warning. When the brokers do not
     * let this client read topic settings, the checks are skipped with a warning.
     *
     * @return the {@code max.message.bytes} set on an order topic itself, 0 when none is (or unknown)
     */
    private long requireUsableSettings(List<String> topics, Deadline deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return 0;
        }
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> configs;
        try {
            while (true) {
                try {
                    configs = admin.describeConfigs(resources).all()
                            .get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
                    break;
                } catch (ExecutionException e) {
                    // a topic another client has just created may not be in the answering broker's metadata yet
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || deadline.passed()) {
                        throw e;
                    }
                    log.debug("Topics {} not in the broker's metadata yet, asking again", topics);
                    Thread.sleep(METADATA_RETRY.toMillis());
                }
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof AuthorizationException)) {
                throw e;
            }
            log.warn("Cannot read the settings of topics {} ({}); their cleanup policy and record size are not"
                    + " checked", topics, describe(e));
            return 0;
        }
        List<String> compacted = new ArrayList<>();
        configs.forEach((resource, config) -> {
            ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String cleanup = policy == null ? null : policy.value();
            if (cleanup != null && cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                compacted.add(resource.name() + " (" + TopicConfig.CLEANUP_POLICY_CONFIG + "=" + cleanup + ")");
            }
            ConfigEntry retentionMs = config.get(TopicConfig.RETENTION_MS_CONFIG);
            if (retentionMs != null && retentionMs.value() != null) {
                long kept = Long.parseLong(retentionMs.value());
                if (kept >= 0 && kept < retention.toMillis()) {
                    log.warn("Topic {} keeps records for {} ms, less than the {} ms the pipeline expects: a consumer"
                            + " stopped for longer misses records", resource.name(), kept, retention.toMillis());
                }
            }
        });
        if (!compacted.isEmpty()) {
            throw new TopicsRefusedException("compacted topics " + compacted + " would keep only the last record of"
                    + " each order; the pipeline's topics must be deleted by age (" + TopicConfig.CLEANUP_POLICY_CONFIG
                    + "=" + TopicConfig.CLEANUP_POLICY_DELETE + ")", null);
        }
        return requireRoomForOutputs(configs);
    }

    /**
     * See {@link #requireUsableSettings}: topics of outputs take records as large as the order topics
     * do. Returns the limit set on an order topic itself, for the topics of outputs created now (0 when
     * none is: they then follow the broker's default as the order topics do).
     */
    private static long requireRoomForOutputs(Map<ConfigResource, Config> configs) {
        Map<String, Long> limits = new HashMap<>();
        Map<String, Long> setOnTopic = new HashMap<>();
        configs.forEach((resource, config) -> {
            ConfigEntry limit = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit != null && limit.value() != null) {
                limits.put(resource.name(), Long.parseLong(limit.value()));
                if (limit.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    setOnTopic.put(resource.name(), Long.parseLong(limit.value()));
                }
            }
        });
        long orderLimit = Topics.ORDER_EVENT_TOPICS.stream().filter(limits::containsKey).mapToLong(limits::get)
                .max().orElse(0);
        List<String> tooSmall = limits.entrySet().stream()
                .filter(e -> holdsOutputs(e.getKey()) && e.getValue() < orderLimit)
                .map(e -> e.getKey() + " (" + e.getValue() + ")").sorted().toList();
        if (!tooSmall.isEmpty()) {
            throw new TopicsRefusedException("topics " + tooSmall + " take smaller records than the order topics ("
                    + orderLimit + " bytes, " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "): an output the broker"
                    + " refuses cannot be written; raise their " + TopicConfig.MAX_MESSAGE_BYTES_CONFIG
                    + " to at least " + orderLimit, null);
        }
        Long dlqLimit = limits.get(Topics.DLQ);
        if (dlqLimit != null && dlqLimit < Topics.DLQ_MAX_MESSAGE_BYTES) {
            throw new TopicsRefusedException(Topics.DLQ + " takes records of at most " + dlqLimit + " bytes ("
                    + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + "), less than a dead letter may need: one it refused"
                    + " would stop every instance that processes its source record; raise its "
                    + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + " to at least " + Topics.DLQ_MAX_MESSAGE_BYTES, null);
        }
        return Topics.ORDER_EVENT_TOPICS.stream().filter(setOnTopic::containsKey).mapToLong(setOnTopic::get)
                .max().orElse(0);
    }

    /** {@code configs} with {@code max.message.bytes} set to {@code limit}. */
    private static Map<String, String> withRecordLimit(Map<String, String> configs, long limit) {
        Map<String, String> limited = new HashMap<>(configs);
        limited.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(limit));
        return limited;
    }

    /**
     * Whether {@code topic} holds what the streams app derives from events, each record no larger than
     * its event: not an order topic, and not the DLQ, whose records are kept within Kafka's default
     * limit whatever the event's size (and which must take that limit: {@link Topics#DLQ_MAX_MESSAGE_BYTES}).
     */
    private static boolean holdsOutputs(String topic) {
        return !Topics.ORDER_EVENT_TOPICS.contains(topic) && !Topics.DLQ.equals(topic);
    }

    /**
     * The partition counts of topics known to exist. A topic another client has just created may
     * not be in the answering broker's metadata yet, so "unknown topic" is retried until the timeout.
     */
    private Map<String, Integer> existingPartitions(List<String> topics, Deadline deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames()
                        .get(deadline.remainingMillis(), TimeUnit.MILLISECONDS);
                Map<String, Integer> counts = new HashMap<>();
                descriptions.forEach((name, description) -> counts.put(name, description.partitions().size()));
                return counts;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || deadline.passed()) {
                    throw e;
                }
                log.debug("Topics {} not in the broker's metadata yet, asking again", topics);
                Thread.sleep(METADATA_RETRY.toMillis());
            }
        }
    }

    /** When a provision's time is up: every call it makes waits at most for what is left of it. */
    private record Deadline(long nanos) {

        static Deadline after(Duration timeout) {
            return new Deadline(System.nanoTime() + timeout.toNanos());
        }

        boolean passed() {
            return System.nanoTime() - nanos > 0;
        }

        /**
         * What is left, in milliseconds: 0 once the time is up, so that a call already answered is
         * still read and one not answered times out at once.
         */
        long remainingMillis() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos - System.nanoTime()));
        }
    }

    /**
     * @param counts the partition counts of the order topics that exist; a missing one is taken to
     *               get the configured count ({@code missingVerb} says so in the message)
     */
    private void requireCoPartitioned(Map<String, Integer> counts, String missingVerb) {
        String created = Topics.ORDER_CREATED;
        String changed = Topics.ORDER_STATUS_CHANGED;
        int createdCount = counts.getOrDefault(created, partitions);
        int changedCount = counts.getOrDefault(changed, partitions);
        if (createdCount != changedCount) {
            throw new CoPartitioningException(created + " " + state(counts, created, missingVerb) + " " + createdCount
                    + " partitions but " + changed + " " + state(counts, changed, missingVerb) + " " + changedCount
                    + ": the two order topics must have the same partition count, the streams app reads them"
                    + " co-partitioned (docs/operations.md, Co-partitioning)");
        }
    }

    private static String state(Map<String, Integer> counts, String topic, String missingVerb) {
        return counts.containsKey(topic) ? "has" : missingVerb;
    }

    /**
     * Whether the brokers' answer refuses the topics for good: a topic policy, missing authorisation,
     * a partition count or topic setting they do not accept, a request they do not support. A
     * replication factor above the brokers registered is not among them: a cluster whose brokers are
     * still starting answers so too, and that passes. (Kafka 4's {@code AuthorizationException},
     * {@code AuthenticationException} and {@code UnsupportedVersionException} are
     * {@link InvalidConfigurationException}s.)
     */
    static boolean isRefusal(Throwable answer) {
        return answer instanceof PolicyViolationException
                || answer instanceof InvalidPartitionsException
                || answer instanceof InvalidConfigurationException && !(answer instanceof InvalidReplicationFactorException);
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
