package com.marketplace.kafka.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.ListTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The provisioner against a real in-process broker (KRaft); a fresh broker per test, since topic names are fixed. */
class TopicProvisionerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String OTHER = "marketplace.provisioner-it.other";

    private EmbeddedKafkaBroker broker;
    private Admin admin;

    @BeforeEach
    void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        admin = Admin.create(TopicProvisioner.adminProperties(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), TIMEOUT));
    }

    @AfterEach
    void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void missingTopicsAreCreatedWithTheConfiguredPartitionsReplicationAndRetention() throws Exception {
        ProvisionedTopics provisioned = new TopicProvisioner(admin, 4, 1, Duration.ofHours(5))
                .provision(List.of(OTHER), TIMEOUT);
        List<String> created = provisioned.created();

        assertThat(provisioned.orderTopicPartitions()).isEqualTo(4);
        assertThat(created).containsExactlyInAnyOrder(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED, OTHER);
        for (String topic : created) {
            TopicDescription description = describe(topic);
            assertThat(description.partitions()).as(topic).hasSize(4);
            assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
            assertThat(retentionMs(topic)).as(topic).isEqualTo(Duration.ofHours(5).toMillis());
            ConfigEntry ahead = config(topic).get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
            assertThat(ahead.source()).as(topic).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(Long.parseLong(ahead.value())).as(topic).isEqualTo(TopicProvisioner.MAX_TIMESTAMP_AHEAD.toMillis());
            ConfigEntry cleanup = config(topic).get(TopicConfig.CLEANUP_POLICY_CONFIG);
            assertThat(cleanup.source()).as(topic).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(cleanup.value()).as(topic).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
        }
    }

    @Test
    void anExistingCompactedTopicIsRefusedInOneLineAndNothingIsCreated() throws Exception {
        existing(new NewTopic(Topics.ORDER_STATUS_CHANGED, 3, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete")));

        assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(List.of(OTHER), TIMEOUT))
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining(Topics.ORDER_STATUS_CHANGED + " (cleanup.policy=compact,delete)")
                .hasMessageNotContaining("\n");
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                .doesNotContain(Topics.ORDER_CREATED, OTHER);
    }

    @Test
    void anExistingTopicTakingSmallerRecordsThanTheOrderTopicsIsRefusedInOneLine() throws Exception {
        existing(new NewTopic(Topics.ORDER_CREATED, 3, (short) 1),
                new NewTopic(Topics.ORDER_STATUS_CHANGED, 3, (short) 1),
                new NewTopic(OTHER, 3, (short) 1).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000")));

        assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(List.of(OTHER), TIMEOUT))
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining(OTHER + " (1000)")
                .hasMessageContaining(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)
                .hasMessageNotContaining("\n");

        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, OTHER),
                List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2000000"),
                        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        // (the brokers apply a topic's new setting a moment after they confirm it)
        await().atMost(Duration.ofSeconds(10)).until(() -> maxMessageBytes(OTHER) == 2_000_000L);
        assertThat(created(OTHER)).isEmpty();
    }

    @Test
    void anExistingTopicTakingSmallerRecordsThanTheOrderTopicsCreatedNowIsRefusedToo() throws Exception {
        existing(new NewTopic(OTHER, 3, (short) 1)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000")));

        // the order topics are created now, with the broker's default limit: the next start would refuse
        assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(List.of(OTHER), TIMEOUT))
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining(OTHER + " (1000)");
    }

    @Test
    void aMissingTopicOfOutputsIsCreatedTakingRecordsAsLargeAsTheOrderTopicsAndTheDlqIsLeftAlone() throws Exception {
        Map<String, String> larger = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "5000000");
        existing(new NewTopic(Topics.ORDER_CREATED, 3, (short) 1).configs(larger),
                new NewTopic(Topics.ORDER_STATUS_CHANGED, 3, (short) 1).configs(larger),
                new NewTopic(Topics.DLQ, 3, (short) 1));

        assertThat(created(OTHER, Topics.DLQ))
                .containsExactly(OTHER);

        assertThat(maxMessageBytes(OTHER)).isEqualTo(5_000_000L);
        assertThat(created(OTHER, Topics.DLQ))
                .as("the next start accepts what the first created, and a DLQ with Kafka's default limit").isEmpty();
    }

    @Test
    void aDlqTakingSmallerRecordsThanADeadLetterMayNeedIsRefusedInOneLine() throws Exception {
        existing(new NewTopic(Topics.DLQ, 3, (short) 1)
                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100000")));

        assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(admin, 3, 1)
                .provision(List.of(Topics.DLQ), TIMEOUT))
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining(Topics.DLQ + " takes records of at most 100000 bytes")
                .hasMessageContaining(Long.toString(Topics.DLQ_MAX_MESSAGE_BYTES))
                .hasMessageNotContaining("\n");
    }

    @Test
    void aMissingDlqIsCreatedTakingTheRecordsADeadLetterMayNeedWhateverTheBrokersDefault() throws Exception {
        TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(List.of(Topics.DLQ), TIMEOUT);

        ConfigEntry limit = config(Topics.DLQ).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        assertThat(limit.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(Long.parseLong(limit.value())).isEqualTo(Topics.DLQ_MAX_MESSAGE_BYTES);
    }

    @Test
    void aMissingTopicOfOutputsFollowsTheBrokersDefaultLimitWhenTheOrderTopicsDo() throws Exception {
        existing(new NewTopic(Topics.ORDER_CREATED, 3, (short) 1),
                new NewTopic(Topics.ORDER_STATUS_CHANGED, 3, (short) 1));

        TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(List.of(OTHER), TIMEOUT);

        assertThat(config(OTHER).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).source())
                .isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    void anExistingTopicKeptForLessThanThePipelineExpectsIsAccepted() throws Exception {
        existing(new NewTopic(OTHER, 3, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")));

        List<String> created = created(OTHER);

        assertThat(created).containsExactlyInAnyOrder(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);
        assertThat(retentionMs(OTHER)).isEqualTo(3_600_000L);
    }

    @Test
    void aRecordStampedFurtherAheadThanTheBoundIsRefusedByTheCreatedTopics() throws Exception {
        // a broker that bounds nothing by itself (Kafka 4's default is the same hour): the topic's own setting holds
        restartBroker(EmbeddedKafkaBroker.builder()
                .brokerProperty("log.message.timestamp.after.max.ms", String.valueOf(Long.MAX_VALUE)));
        TopicProvisioner.withPipelineRetention(admin, 1, 1).provisionOrderTopics(TIMEOUT);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            long now = System.currentTimeMillis();
            long tooFar = now + TopicProvisioner.MAX_TIMESTAMP_AHEAD.plusMinutes(10).toMillis();

            producer.send(new ProducerRecord<>(Topics.ORDER_CREATED, null, now, "1", "on time")).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.ORDER_CREATED, null, tooFar, "1",
                    "from the future")).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(InvalidTimestampException.class);
        }
    }

    @Test
    void existingTopicsAreLeftAsTheyAreAndOnlyTheMissingOnesCreated() throws Exception {
        broker.createTopics(6, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);

        List<String> created = created(OTHER);

        assertThat(created).containsExactly(OTHER);
        assertThat(describe(Topics.ORDER_CREATED).partitions()).hasSize(6);
        assertThat(describe(Topics.ORDER_STATUS_CHANGED).partitions()).hasSize(6);
        assertThat(describe(OTHER).partitions()).hasSize(3);
        assertThat(retentionMs(OTHER)).isEqualTo(Topics.RETENTION_MS);
    }

    @Test
    void aTopicAnotherClientCreatesCompactedWhileThisOneCreatesItIsRefusedToo() {
        // the other client's creation lands between this provisioner's listing and its own creation
        try (Admin racing = new ForwardingAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers())) {
            @Override
            public CreateTopicsResult createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
                try {
                    admin.createTopics(List.of(new NewTopic(OTHER, 3, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return super.createTopics(topics, options);
            }
        }) {
            assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(racing, 3, 1)
                    .provision(List.of(OTHER), TIMEOUT))
                    .isInstanceOf(TopicsRefusedException.class)
                    .hasMessageContaining(OTHER + " (cleanup.policy=compact)");
        }
    }

    @Test
    void provisioningTwiceCreatesNothingTheSecondTime() {
        TopicProvisioner provisioner = TopicProvisioner.withPipelineRetention(admin, 3, 1);

        assertThat(provisioner.provisionOrderTopics(TIMEOUT).created()).hasSize(2);
        assertThat(provisioner.provisionOrderTopics(TIMEOUT).created()).isEmpty();
    }

    @Test
    void theOrderTopicsPartitionCountReportedIsTheOneTheyHaveNotTheConfiguredOne() throws Exception {
        broker.createTopics(6, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);

        ProvisionedTopics provisioned = TopicProvisioner.withPipelineRetention(admin, 3, 1)
                .provision(List.of(OTHER), TIMEOUT);

        assertThat(provisioned.orderTopicPartitions()).isEqualTo(6);
        assertThat(provisioned.created()).containsExactly(OTHER);
    }

    @Test
    void orderTopicsWithDifferentPartitionCountsAreRefusedInOneLine() throws Exception {
        broker.createTopics(3, Topics.ORDER_CREATED);
        broker.createTopics(6, Topics.ORDER_STATUS_CHANGED);
        TopicProvisioner provisioner = TopicProvisioner.withPipelineRetention(admin, 3, 1);

        assertThatThrownBy(() -> provisioner.provision(List.of(OTHER), TIMEOUT))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageStartingWith("marketplace.order.created has 3 partitions but "
                        + "marketplace.order.status-changed has 6")
                .hasMessageContaining("same partition count")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(topicNames()).as("nothing created after the refusal").doesNotContain(OTHER);
    }

    @Test
    void aMissingOrderTopicIsNotCreatedWithACountItsSiblingDoesNotHave() throws Exception {
        broker.createTopics(6, Topics.ORDER_CREATED);
        TopicProvisioner provisioner = TopicProvisioner.withPipelineRetention(admin, 3, 1);

        assertThatThrownBy(() -> provisioner.provisionOrderTopics(TIMEOUT))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageStartingWith("marketplace.order.created has 6 partitions but "
                        + "marketplace.order.status-changed would be created with 3");
        assertThat(topicNames()).doesNotContain(Topics.ORDER_STATUS_CHANGED);
    }

    @Test
    void aMissingOrderTopicIsCreatedWhenItsSiblingHasTheConfiguredCount() throws Exception {
        broker.createTopics(2, Topics.ORDER_STATUS_CHANGED);

        assertThat(TopicProvisioner.withPipelineRetention(admin, 2, 1).provisionOrderTopics(TIMEOUT).created())
                .containsExactly(Topics.ORDER_CREATED);
        assertThat(describe(Topics.ORDER_CREATED).partitions()).hasSize(2);
    }

    @Test
    void aReplicationFactorAboveTheBrokerCountIsRefusedByTheBroker() {
        // a cluster whose other brokers are still starting answers the same: a failure that may pass
        assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(admin, 3, 3).provisionOrderTopics(TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(CoPartitioningException.class)
                .isNotInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining("InvalidReplicationFactorException")
                .hasMessageContaining("TOPIC_REPLICATION_FACTOR");
    }

    @Test
    void aClusterThatDeniesTopicCreationRefusesTheTopics() {
        restartBroker(EmbeddedKafkaBroker.builder()
                .brokerProperty("authorizer.class.name", DenyTopicCreation.class.getName()));

        // missing permission does not pass with time: the caller stops instead of retrying for ever
        // (Kafka 4's AuthorizationException is an InvalidConfigurationException, which isRefusal names)
        assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(admin, 3, 1).provisionOrderTopics(TIMEOUT))
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining("TopicAuthorizationException");
    }

    @Test
    void anUnreachableBrokerIsReportedWithinTheTimeout() {
        broker.stop();
        Duration shortTimeout = Duration.ofSeconds(2);
        Duration took;
        try (Admin unreachable = Admin.create(TopicProvisioner.adminProperties(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), shortTimeout))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(unreachable, 3, 1)
                    .provisionOrderTopics(shortTimeout))
                    .isInstanceOf(IllegalStateException.class)
                    .isNotInstanceOf(TopicsRefusedException.class)
                    .hasMessageStartingWith("cannot list, describe or create topics");
            took = Duration.ofNanos(System.nanoTime() - start);
        }
        // the timeout and a margin for a slow machine, not a multiple of it
        assertThat(took).isLessThan(shortTimeout.plusSeconds(4));
    }

    @Test
    void aBrokerThatAnswersEachCallInTimeButNotAllOfThemIsReportedAtTheTimeout() {
        // each call of this slow broker answers within the timeout, the provision's calls together do not
        Duration timeout = Duration.ofSeconds(2);
        try (Admin slow = new ForwardingAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers())) {
            @Override
            public ListTopicsResult listTopics() {
                answerSlowly();
                return super.listTopics();
            }

            @Override
            public CreateTopicsResult createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
                answerSlowly();
                return super.createTopics(topics, options);
            }

            private void answerSlowly() {
                try {
                    Thread.sleep(timeout.toMillis() * 3 / 4);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> TopicProvisioner.withPipelineRetention(slow, 3, 1).provisionOrderTopics(timeout))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot list, describe or create topics: TimeoutException");
            // the timeout, the slow call that outlasted it and a margin for a slow machine, not calls beyond it
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(4));
        }
    }

    private void restartBroker(EmbeddedKafkaBroker.Builder builder) {
        stopBroker();
        broker = builder.build();
        broker.start();
        admin = Admin.create(TopicProvisioner.adminProperties(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), TIMEOUT));
    }

    private Set<String> topicNames() throws Exception {
        return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }

    /**
     * Creates {@code topics} as they already exist when provisioning runs: once the broker answering knows
     * them (a topic is listed and described, its settings read back as created, a moment after its creation
     * is confirmed), so provisioning does not take one for missing, or for one of Kafka's defaults, and
     * create the others before it meets the existing one.
     */
    private void existing(NewTopic... topics) throws Exception {
        admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        for (NewTopic topic : topics) {
            await().atMost(TIMEOUT).ignoreExceptions().until(
                    () -> admin.listTopics().names().get(5, TimeUnit.SECONDS).contains(topic.name()));
            describe(topic.name());
            config(topic.name());
            Map<String, String> settings = topic.configs() == null ? Map.of() : topic.configs();
            await().atMost(TIMEOUT).until(() -> settings.entrySet().stream().allMatch(setting -> {
                ConfigEntry entry = config(topic.name()).get(setting.getKey());
                return entry != null && listed(setting.getValue()).equals(listed(entry.value()));
            }));
        }
    }

    /** A setting's value as the set of its comma-separated items, in whichever order the broker gives them. */
    private static Set<String> listed(String value) {
        return Set.copyOf(List.of(value.split("\\s*,\\s*")));
    }

    /** The topics created by provisioning the order topics and {@code others} with 3 partitions, replication 1. */
    private List<String> created(String... others) {
        return TopicProvisioner.withPipelineRetention(admin, 3, 1).provision(List.of(others), TIMEOUT).created();
    }

    /** The topic's description, once the broker's metadata has caught up with its creation. */
    private TopicDescription describe(String topic) {
        return await().atMost(TIMEOUT).ignoreExceptions().until(
                () -> admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic),
                description -> description != null);
    }

    private long retentionMs(String topic) {
        return Long.parseLong(config(topic).get(TopicConfig.RETENTION_MS_CONFIG).value());
    }

    private long maxMessageBytes(String topic) {
        return Long.parseLong(config(topic).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    /** The topic's settings, once the broker answering knows the topic (just created, it may not yet). */
    private Config config(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await().atMost(TIMEOUT).ignoreExceptions().until(
                () -> admin.describeConfigs(List.of(resource)).all().get(5, TimeUnit.SECONDS).get(resource),
                config -> config != null);
    }
}
