package com.marketplace.kafka.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaClientMetersIT {

    private static final String TOPIC = "meters-first-send";
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().build();
        broker.start();
        broker.createTopics(1, TOPIC);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aTopicsSeriesAppearsWithinTheRefreshOfItsFirstRecordAndTheCloseRemovesEveryMeter() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            KafkaClientMeters<KafkaClientMetrics> meters = KafkaClientMeters.of(
                    (scheduler, every) -> new KafkaClientMetrics(producer, List.of(), scheduler, every));
            meters.bindTo(registry);
            assertThat(registry.getMeters()).as("the producer's metrics at the bind").isNotEmpty();
            assertThat(topicSendTotals(registry)).as("no record sent yet").isEmpty();

            producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS);
            // Micrometer on its own would look again only a minute after the bind
            await().atMost(KafkaClientMeters.REFRESH.multipliedBy(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !topicSendTotals(registry).isEmpty());
            assertThat(topicSendTotals(registry).get(0).measure().iterator().next().getValue()).isEqualTo(1.0);

            meters.close();
            assertThat(registry.getMeters()).as("meters left after the close").isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(thread -> thread.getName().equals("kafka-metrics-refresh")));
        }
    }

    private static List<Meter> topicSendTotals(SimpleMeterRegistry registry) {
        return registry.getMeters().stream()
                .filter(meter -> meter.getId().getName().equals("kafka.producer.topic.record.send.total"))
                .filter(meter -> TOPIC.equals(meter.getId().getTag("topic")))
                .toList();
    }
}
