package com.marketplace.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Topics;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.marketplace.kafka.errors.Causes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker that refuses the relay's client, then has its set-up fixed, against a real broker with
 * Kafka's own authorizer. The refusal of an idempotent producer's id is a fatal error to the
 * producer's sender (it aborts what it holds), yet the producer asks for an id again with its next
 * send: the refused rows go out at their next try once the set-up is fixed, without a restart.
 */
class OutboxRefusalIT {

    private static final String ANYONE = "User:ANONYMOUS";
    private static final String PROBE_TOPIC = "refusal-probe";
    /** Every client of the plain listener (this relay, the broker's own controller link) is anonymous. */
    private static final List<AclBinding> REFUSALS = List.of(
            acl(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                    AclOperation.IDEMPOTENT_WRITE, AclPermissionType.DENY),
            acl(new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL),
                    AclOperation.WRITE, AclPermissionType.DENY));
    private static final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
            .brokerProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            .brokerProperty("allow.everyone.if.no.acl.found", "true")
            .build();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private OutboxRelay relay;

    @BeforeAll
    static void startBroker() throws Exception {
        broker.start();
        broker.createTopics(3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED, PROBE_TOPIC);
        try (Admin admin = admin()) {
            // the cluster's own actions stay allowed once the cluster has ACLs of its own
            admin.createAcls(List.of(acl(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster",
                    PatternType.LITERAL), AclOperation.ALL, AclPermissionType.ALLOW),
                    // and the topics' metadata while writes are refused: the refusal is of the producer's id
                    acl(new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL), AclOperation.ALL,
                            AclPermissionType.ALLOW))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @BeforeEach
    void relayRefusedByTheBroker() throws Exception {
        TestDatabase.clean();
        try (Admin admin = admin()) {
            admin.createAcls(REFUSALS).all().get();
        }
        // the broker applies new ACLs a moment after it confirms them
        await().atMost(Duration.ofSeconds(30)).until(OutboxRefusalIT::producerIdRefused);
        Properties props = new Properties();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("max.block.ms", "5000");
        props.put("delivery.timeout.ms", "5000");
        props.put("request.timeout.ms", "2000");
        Clock clock = Clock.systemUTC();
        // refused rows wait the backoff's longest delay: 1-2 s here
        RelaySettings settings = RelaySettings.of("relay-refused", 10, Duration.ofSeconds(1), 3)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        relay = new OutboxRelay(OutboxFixtures.store(), OutboxPublisher.create(props, clock), settings,
                new OutboxMetrics(registry, clock), clock);
    }

    @AfterEach
    void close() throws Exception {
        relay.close();
        try (Admin admin = admin()) {
            admin.deleteAcls(REFUSALS.stream().map(AclBinding::toFilter).toList()).all().get();
        }
    }

    @Test
    void aRefusedRelayPublishesOnceTheBrokersSetUpIsFixedWithoutARestart() throws Exception {
        // Given a pending event the broker refuses: its producer's id is not granted
        EventEnvelope event = OutboxFixtures.event(9_600, 0);
        OutboxFixtures.insert(List.of(event));
        assertThat(relay.runOnce()).isEqualTo(1);
        assertThat(OutboxFixtures.statusOf(event.eventId())).isEqualTo("PENDING");
        assertThat(OutboxFixtures.column("retry_count", event.eventId())).isEqualTo("0");
        assertThat(OutboxFixtures.column("last_error", event.eventId())).contains("ClusterAuthorization");
        // and sent again once its delay is over, still refused: the producer may now report a state of its own
        // (a failed earlier request), the refusal only as its cause, which the recorded error still names
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> relay.runOnce() == 1);
        assertThat(OutboxFixtures.statusOf(event.eventId())).isEqualTo("PENDING");
        assertThat(OutboxFixtures.column("last_error", event.eventId())).contains("ClusterAuthorization");

        // When the broker's set-up is fixed
        try (Admin admin = admin()) {
            admin.deleteAcls(REFUSALS.stream().map(AclBinding::toFilter).toList()).all().get();
        }

        // Then, once its delay is over, the event is published by the same relay and producer
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            relay.runOnce();
            assertThat(OutboxFixtures.statusOf(event.eventId())).isEqualTo("PROCESSED");
        });
        assertThat(OutboxFixtures.column("retry_count", event.eventId())).isEqualTo("0");
        assertThat(registry.get("outbox.failed.events").counter().count()).isZero();
    }

    /** Whether a new idempotent producer is refused its producer id (and so cannot write anything). */
    private static boolean producerIdRefused() throws InterruptedException {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (KafkaProducer<byte[], byte[]> probe = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            probe.send(new ProducerRecord<>(PROBE_TOPIC, new byte[1])).get();
            return false;
        } catch (ExecutionException | KafkaException e) {
            return Causes.include(e, ClusterAuthorizationException.class);
        }
    }

    private static AclBinding acl(ResourcePattern pattern, AclOperation operation, AclPermissionType permission) {
        return new AclBinding(pattern, new AccessControlEntry(ANYONE, "*", operation, permission));
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }
}
