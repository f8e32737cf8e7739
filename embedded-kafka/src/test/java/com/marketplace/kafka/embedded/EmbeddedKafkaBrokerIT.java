package com.marketplace.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static EmbeddedKafkaBroker sharedBroker;

    @BeforeAll
    static void startSharedBroker() {
        sharedBroker = EmbeddedKafkaBroker.builder().build();
        sharedBroker.start();
    }

    @AfterAll
    static void closeSharedBroker() {
        sharedBroker.close();
    }

    @Test
    void bootstrapServersIsLoopbackAddressOfRunningBroker() {
        assertThat(sharedBroker.isRunning()).isTrue();
        assertThat(sharedBroker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void recordFromIdempotentProducerIsConsumedBack() {
        String topic = "it.idempotent";
        sharedBroker.createTopics(3, topic);

        send(sharedBroker, topic, "order-1", "created");

        assertThat(readAtLeast(sharedBroker, topic, 1))
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(tuple("order-1", "created"));
    }

    @Test
    void creatingAnExistingTopicAgainIsAccepted() {
        sharedBroker.createTopics(2, "it.existing");

        sharedBroker.createTopics(2, "it.existing");

        send(sharedBroker, "it.existing", "k", "v");
        assertThat(readAtLeast(sharedBroker, "it.existing", 1)).hasSize(1);
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionButNotAbortedOne() {
        String topic = "it.transactional";
        sharedBroker.createTopics(1, topic);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(transactionalProducerConfig())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "order-2", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "order-2", "committed"));
            producer.commitTransaction();
        }

        // the aborted record precedes the committed one, so it would show up first if it leaked
        assertThat(readAtLeast(sharedBroker, topic, 1))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed");
    }

    @Test
    void stoppedBrokerRestartsOnSameAddressWithItsData() {
        String topic = "it.outage";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            String address = broker.bootstrapServers();
            broker.createTopics(1, topic);
            send(broker, topic, "order-3", "before-outage");

            broker.stop();
            assertThat(broker.isRunning()).isFalse();
            broker.start();

            assertThat(broker.bootstrapServers()).isEqualTo(address);
            send(broker, topic, "order-3", "after-outage");
            assertThat(readAtLeast(broker, topic, 2))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("before-outage", "after-outage");
        }
    }

    @Test
    void temporaryLogDirIsDeletedOnClose() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        Path logDir = broker.logDir();
        broker.start();
        broker.createTopics(1, "it.temporary");
        assertThat(logDir.resolve("meta.properties")).exists();

        broker.close();

        assertThat(logDir).doesNotExist();
    }

    @Test
    void callerProvidedLogDirKeepsDataForNextBrokerInstance(@TempDir Path tempDir) {
        Path logDir = tempDir.resolve("kafka-data");
        String topic = "it.persistent";
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().logDir(logDir).build()) {
            first.start();
            first.createTopics(1, topic);
            send(first, topic, "order-4", "persisted");
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().logDir(logDir).build()) {
            second.start();

            assertThat(readAtLeast(second, topic, 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("persisted");
        }
    }

    private static void send(EmbeddedKafkaBroker broker, String topic, String key, String value) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(idempotentProducerConfig(broker))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("Could not send " + key + "=" + value + " to " + topic, e);
        }
    }

    private static List<ConsumerRecord<String, String>> readAtLeast(
            EmbeddedKafkaBroker broker, String topic, int expectedCount) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(readCommittedConsumerConfig(broker))) {
            consumer.subscribe(List.of(topic));
            await().atMost(TIMEOUT).pollInSameThread().untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                assertThat(records).hasSizeGreaterThanOrEqualTo(expectedCount);
            });
        }
        return records;
    }

    private static Map<String, Object> idempotentProducerConfig(EmbeddedKafkaBroker broker) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    }

    private static Map<String, Object> transactionalProducerConfig() {
        Map<String, Object> config = new HashMap<>(idempotentProducerConfig(sharedBroker));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx-" + UUID.randomUUID());
        return config;
    }

    private static Map<String, Object> readCommittedConsumerConfig(EmbeddedKafkaBroker broker) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    }
}
