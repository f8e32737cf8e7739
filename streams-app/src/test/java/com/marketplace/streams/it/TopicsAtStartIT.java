package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.kafka.topics.TopicsRefusedException;
import com.marketplace.streams.StreamsApp;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.Events;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a start does to the topics (real broker): it refuses order topics that are not
 * co-partitioned, checks each event's partition by the count they have, and keeps
 * {@code dedupe-store}'s changelog as long as {@code DEDUPE_RETENTION}.
 */
class TopicsAtStartIT {

    @RegisterExtension
    final BrokerPerTest kafka = new BrokerPerTest();

    @Test
    void streamsAppRefusesToStartWhenAnOutputTopicTakesSmallerRecordsThanTheOrderTopics() throws Exception {
        kafka.broker().createTopics(3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(Topics.ANALYTICS, 3, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1000")))).all().get();
        }
        StreamsApp app = unstartedApp("topics-it-" + UUID.randomUUID().toString().substring(0, 8),
                FreePorts.nextOnAllInterfaces());

        assertThatThrownBy(() -> app.start())
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining(Topics.ANALYTICS + " (1000)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(app.streams().state()).as("closed by the failed start").isEqualTo(KafkaStreams.State.NOT_RUNNING);
    }

    @Test
    void streamsAppRefusesToStartWhenTheOrderTopicsAreNotCoPartitioned() throws Exception {
        kafka.broker().createTopics(3, Topics.ORDER_CREATED);
        kafka.broker().createTopics(5, Topics.ORDER_STATUS_CHANGED);
        String applicationId = "topics-it-" + UUID.randomUUID().toString().substring(0, 8);
        int port = FreePorts.nextOnAllInterfaces();
        StreamsApp app = unstartedApp(applicationId, port);

        assertThatThrownBy(() -> app.start())
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageStartingWith("marketplace.order.created has 3 partitions but "
                        + "marketplace.order.status-changed has 5")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(app.streams().state()).as("closed by the failed start").isEqualTo(KafkaStreams.State.NOT_RUNNING);
        try (Admin admin = admin()) {
            assertThat(admin.listGroups().all().get()).as("Kafka Streams never joined its group")
                    .noneMatch(group -> group.groupId().equals(applicationId));
        }
        assertThatThrownBy(() -> new Socket("localhost", port).close())
                .as("the failed start stopped the query API it had started")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aLongerDedupeRetentionRaisesTheChangelogAtTheNextStartAndAShorterOneLeavesIt() throws Exception {
        String applicationId = "retention-it-" + UUID.randomUUID().toString().substring(0, 8);
        String changelog = applicationId + "-dedupe-store-changelog";
        StreamsAppConfig config = StreamsAppConfig.defaults()
                .withKafka(kafka.broker().bootstrapServers(), Path.of("target", "it-state", applicationId))
                .withApplicationId(applicationId)
                .withJitWarmUpEvents(0);

        runUntilRunning(config.withDedupeRetention(Duration.ofMinutes(1)));
        // plus as long as an input record may wait in its topic: the order topics' seven days
        assertThat(retentionMs(changelog)).as("Kafka Streams creates it with the store's retention and more")
                .isEqualTo(Duration.ofDays(7).plusMinutes(1).toMillis());

        runUntilRunning(config.withDedupeRetention(Duration.ofDays(7)));
        assertThat(retentionMs(changelog)).as("raised for the longer retention")
                .isEqualTo(Duration.ofDays(14).toMillis());

        runUntilRunning(config.withDedupeRetention(Duration.ofHours(1)));
        assertThat(retentionMs(changelog)).as("a shorter retention leaves it")
                .isEqualTo(Duration.ofDays(14).toMillis());
    }

    @Test
    void anEventOnAnotherPartitionThanItsKeysIsDeadLetteredByThePartitionCountTheTopicsHave() throws Exception {
        // five partitions, not the configured three: the count checked is the one the start found
        kafka.broker().createTopics(5, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED);
        String applicationId = "partition-it-" + UUID.randomUUID().toString().substring(0, 8);
        StreamsApp app = unstartedApp(applicationId, FreePorts.nextOnAllInterfaces()).start();
        EventEnvelope misplaced = Events.created(1, 1, Events.T0, List.of(Events.item(7, 1, "10.00")));
        EventEnvelope placed = Events.created(2, 1, Events.T0, List.of(Events.item(7, 1, "10.00")));
        int keysPartition = Utils.toPositive(Utils.murmur2("1".getBytes(StandardCharsets.UTF_8))) % 5;

        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.broker().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_CREATED, (keysPartition + 1) % 5, "1",
                    EventCodec.INSTANCE.encode(misplaced))).get();
            producer.send(new ProducerRecord<>(Topics.ORDER_CREATED, "2", EventCodec.INSTANCE.encode(placed))).get();
        }

        String bootstrap = kafka.broker().bootstrapServers();
        await().atMost(Duration.ofSeconds(60)).until(() -> !OutputReader.readCommittedBytes(bootstrap, Topics.EMAIL)
                .isEmpty() && !OutputReader.readCommittedBytes(bootstrap, Topics.DLQ).isEmpty());
        assertThat(OutputReader.readCommittedBytes(bootstrap, Topics.EMAIL)).extracting(ConsumerRecord::key)
                .containsExactly("2");
        assertThat(OutputReader.readCommittedBytes(bootstrap, Topics.DLQ)).singleElement().satisfies(dead -> {
            assertThat(dead.key()).isEqualTo("1");
            assertThat(header(dead, EventHeaders.DLQ_ERROR)).isEqualTo("WRONG_PARTITION");
            assertThat(header(dead, EventHeaders.DLQ_ERROR_MESSAGE))
                    .contains("partition " + (keysPartition + 1) % 5 + " but its key hashes to partition "
                            + keysPartition + " of 5");
        });
        app.stop();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** A streams app of {@code applicationId} with its query API on {@code port}; stopped after the test. */
    private StreamsApp unstartedApp(String applicationId, int port) {
        return kafka.stoppedAfterTest(StreamsApp.create(StreamsAppConfig.defaults()
                .withKafka(kafka.broker().bootstrapServers(), Path.of("target", "it-state", applicationId))
                .withApplicationId(applicationId)
                .withHttp(port, "localhost:" + port)));
    }

    private void runUntilRunning(StreamsAppConfig config) {
        int port = FreePorts.nextOnAllInterfaces();
        StreamsApp app = kafka.stoppedAfterTest(StreamsApp.create(config.withHttp(port, "localhost:" + port))).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
        app.stop();
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.broker().bootstrapServers()));
    }

    private long retentionMs(String topic) throws Exception {
        try (Admin admin = admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.RETENTION_MS_CONFIG).value());
        }
    }
}
