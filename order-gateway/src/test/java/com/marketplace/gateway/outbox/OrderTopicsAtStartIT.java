package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.Topics;
import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.embedded.FreePorts;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.kafka.topics.TopicsRefusedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A gateway with its relay on prepares the order topics at start-up, against a real broker (a fresh one per test). */
class OrderTopicsAtStartIT {

    private EmbeddedKafkaBroker broker;

    @BeforeEach
    void startBroker() {
        TestDatabase.clean();
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void orderTopicsExistWithTheConfiguredPartitionsOnceStartReturns() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(relayConfig(), OutboxNotifier.NONE)) {
            assertThat(partitions(Topics.ORDER_CREATED)).isEqualTo(2);
            assertThat(partitions(Topics.ORDER_STATUS_CHANGED)).isEqualTo(2);
            assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void gatewayRefusesToStartWhenTheOrderTopicsAreNotCoPartitioned() {
        broker.createTopics(2, Topics.ORDER_CREATED);
        broker.createTopics(4, Topics.ORDER_STATUS_CHANGED);
        Set<Thread> producersBefore = producerThreads();
        GatewayApp app = GatewayApp.create(relayConfig(), TestDatabase.dataSource(), OutboxNotifier.NONE);

        assertThatThrownBy(() -> app.start(0))
                .isInstanceOf(CoPartitioningException.class)
                .hasMessageStartingWith("marketplace.order.created has 2 partitions but "
                        + "marketplace.order.status-changed has 4")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        // and the relay's producer it had built is closed, not left running in the failed process
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(producerThreads()).isSubsetOf(producersBefore));
    }

    @Test
    void gatewayRefusesToStartWhenTheBrokersRefuseTheTopics() {
        broker.close();
        broker = EmbeddedKafkaBroker.builder()
                .brokerProperty("create.topic.policy.class.name", RefuseEveryTopic.class.getName())
                .build();
        broker.start();
        Set<Thread> producersBefore = producerThreads();
        GatewayApp app = GatewayApp.create(relayConfig(), TestDatabase.dataSource(), OutboxNotifier.NONE);

        // a policy that refuses the topics refuses them on every attempt: the gateway does not start
        assertThatThrownBy(() -> app.start(0))
                .isInstanceOf(TopicsRefusedException.class)
                .hasMessageContaining("PolicyViolationException")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(producerThreads()).isSubsetOf(producersBefore));
    }

    private static Set<Thread> producerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("kafka-producer-network-thread"))
                .collect(Collectors.toSet());
    }

    @Test
    void gatewayStartedWhileTheBrokerIsDownCreatesTheTopicsWhenItReturns() throws Exception {
        // chosen while the broker holds its ports: a port picked after it stops could be one of
        // them, and the broker could not come back on its own ports
        int httpPort = FreePorts.nextOnAllInterfaces();
        broker.stop();
        try (RunningGateway gateway = RunningGateway.start(relayConfig(), OutboxNotifier.NONE, httpPort)) {
            assertThat(gateway.get("/health/live").statusCode()).isEqualTo(200);

            broker.start();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> topicNames().containsAll(Topics.ORDER_EVENT_TOPICS));
            assertThat(partitions(Topics.ORDER_CREATED)).isEqualTo(2);
        }
    }

    private GatewayConfig relayConfig() {
        return TestDatabase.gatewayConfig(Map.of(
                GatewayConfig.RELAY_ENABLED, "true",
                GatewayConfig.KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers(),
                GatewayConfig.OUTBOX_POLL_INTERVAL, "PT0.2S",
                GatewayConfig.TOPIC_PARTITIONS, "2"));
    }

    private java.util.Set<String> topicNames() throws Exception {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(10, TimeUnit.SECONDS);
        }
    }

    private int partitions(String topic) throws Exception {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }
}
