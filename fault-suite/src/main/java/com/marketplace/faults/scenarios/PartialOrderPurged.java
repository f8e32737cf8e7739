package com.marketplace.faults.scenarios;

import com.marketplace.events.EventHeaders;
import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Stack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scenario 12 (its partial-order half): status changes of orders whose creation never arrives are
 * written straight to the topic with a plain producer. The streams app (retention compressed to
 * 20 s) must hold them as partial orders, then purge them once the retention has passed instead of
 * keeping them forever. Recovery: from the last write until every one is gone. The dedupe half is
 * {@link DedupeStorePlateau}.
 */
public final class PartialOrderPurged implements Scenario {

    private static final Duration RETENTION = Duration.ofSeconds(20);
    private static final int ORDERS = 50;
    private static final long FIRST_ORDER = 900_000;

    @Override
    public String name() {
        return "partial-orders-purged";
    }

    @Override
    public boolean quick() {
        return false;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Checks checks = new Checks(name());
        stack.kafka(1);
        JarService streams = stack.streams("streams", Map.of("PARTIAL_ORDER_RETENTION", RETENTION.toString(),
                "DEDUPE_RETENTION", RETENTION.toString()));
        streams.awaitReady(RelayKill.READY);
        List<Long> orders = LongStream.range(FIRST_ORDER, FIRST_ORDER + ORDERS).boxed().toList();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (long order : orders) {
                String eventId = UUID.randomUUID().toString();
                ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ORDER_STATUS_CHANGED,
                        Long.toString(order), statusChanged(eventId, order, Instant.now()));
                record.headers().add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8))
                        .add(EventHeaders.EVENT_TYPE, "OrderStatusChanged".getBytes(StandardCharsets.UTF_8))
                        .add(EventHeaders.SCHEMA_VERSION, "1".getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
            producer.flush();
        }
        long writtenAt = System.nanoTime();
        boolean held = Audit.Wait.until(Duration.ofSeconds(60), Duration.ofMillis(200),
                () -> orders.stream().allMatch(o -> streams.status("/api/v1/orders/" + o + "/state") == 200));
        checks.check(held, "the partial orders were not all held as order states");
        Duration heldFor = Duration.ofNanos(System.nanoTime() - writtenAt);
        boolean purged = Audit.Wait.until(Duration.ofSeconds(90), Duration.ofMillis(200),
                () -> orders.stream().allMatch(o -> streams.status("/api/v1/orders/" + o + "/state") == 404));
        Duration gone = Duration.ofNanos(System.nanoTime() - writtenAt);
        checks.check(purged, "partial orders still held 90 s after the write, retention " + RETENTION);
        checks.check(!purged || gone.compareTo(RETENTION.plusSeconds(15)) <= 0, "purged only after "
                + RelayKill.seconds(gone));
        checks.check(!held || heldFor.compareTo(RETENTION) < 0, "held state seen only after the retention");
        checks.note("%d partial orders held, then purged %s after they were written (PARTIAL_ORDER_RETENTION %s)",
                ORDERS, purged ? RelayKill.seconds(gone) : "never", RETENTION);
        return checks.result(ORDERS, purged ? gone : null);
    }

    /** An OrderStatusChanged envelope as the contract describes it (docs/architecture.md, external contract). */
    private static String statusChanged(String eventId, long order, Instant at) {
        return "{\"eventId\":\"" + eventId + "\",\"eventType\":\"OrderStatusChanged\",\"aggregateType\":\"Order\","
                + "\"aggregateId\":\"" + order + "\",\"schemaVersion\":1,\"occurredAt\":\"" + at + "\",\"payload\":{"
                + "\"orderId\":" + order + ",\"orderNumber\":\"ORD-" + order + "\",\"buyerId\":1,"
                + "\"buyerEmail\":\"buyer1@example.com\",\"sellerIds\":[7],\"previousStatus\":\"PENDING\","
                + "\"status\":\"PAID\",\"totalAmount\":100.00,\"currency\":\"KRW\",\"changedAt\":\"" + at + "\"}}";
    }
}
