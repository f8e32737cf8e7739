package com.marketplace.streams.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Topics;
import com.marketplace.kafka.errors.Causes;
import com.marketplace.kafka.topics.TopicProvisioner;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.Events;
import com.marketplace.streams.topology.OrderTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An output the broker refuses as too large (an email topic whose {@code max.message.bytes} is below
 * an email's size), against a real broker: the instance stops, under either guarantee, instead of
 * leaving the output out, and writes no dead letter; under exactly_once_v2 nothing of the event is
 * committed.
 */
class OutputTooLargeIT {

    /** Below any email's JSON. */
    private static final int EMAIL_TOPIC_MAX_BYTES = 200;

    @RegisterExtension
    final BrokerPerTest kafka = new BrokerPerTest();
    private KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @AfterEach
    void close() {
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
    void theInstanceStopsWithoutADeadLetter(String guarantee) {
        startAndSendOneOrder(guarantee);

        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.ERROR);
        // stopped by the email the broker refused as too large, not by anything else
        assertThat(failure.get()).isNotNull();
        assertThat(Causes.include(failure.get(), RecordTooLargeException.class))
                .as("a RecordTooLargeException in %s", failure.get()).isTrue();
        assertThat(messages(failure.get())).contains(Topics.EMAIL);

        assertThat(readCommitted(Topics.DLQ)).isEmpty();
        assertThat(readCommitted(Topics.EMAIL)).isEmpty();
        if (guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            assertThat(readCommitted(Topics.NOTIFICATION)).isEmpty();
            assertThat(readCommitted(Topics.ANALYTICS)).isEmpty();
        }
    }

    private void startAndSendOneOrder(String guarantee) {
        String bootstrap = kafka.broker().bootstrapServers();
        String applicationId = "output-too-large-it-" + UUID.randomUUID().toString().substring(0, 8);
        StreamsAppConfig config = StreamsAppConfig.fromEnv(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "APPLICATION_ID", applicationId,
                "STATE_DIR", Path.of("target", "it-state", applicationId).toString(),
                "PROCESSING_GUARANTEE", guarantee,
                "JIT_WARMUP_EVENTS", "0"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicProvisioner.withPipelineRetention(admin, 1, 1).provision(Topics.OUTPUT_TOPICS, Duration.ofSeconds(30));
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.EMAIL),
                    List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                            Integer.toString(EMAIL_TOPIC_MAX_BYTES)), AlterConfigOp.OpType.SET)))).all().get();
            // (the broker applies a topic's new setting a moment after it confirms it)
            ConfigResource email = new ConfigResource(ConfigResource.Type.TOPIC, Topics.EMAIL);
            await().atMost(Duration.ofSeconds(10)).until(() -> Integer.toString(EMAIL_TOPIC_MAX_BYTES).equals(
                    admin.describeConfigs(List.of(email)).all().get().get(email)
                            .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()));
        } catch (Exception e) {
            throw new IllegalStateException("could not set up the topics", e);
        }
        streams = new KafkaStreams(OrderTopology.build(config), config.toStreamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        EventEnvelope order = Events.created(1, 1, Instant.now(), List.of(Events.item(7, 1, "10.00")));
        InputScenario.publish(bootstrap, List.of(order));
    }

    /** The messages of {@code failure} and of its causes, one per line. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null && all.length() < 100_000; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        return OutputReader.readCommittedBytes(kafka.broker().bootstrapServers(), topic);
    }
}
