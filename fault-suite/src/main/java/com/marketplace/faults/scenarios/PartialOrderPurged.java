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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Scenario 12 (its partial-order half): status changes of orders whose creation never arrives are
 * written straight to the topic with a plain producer. The streams app (retention compressed to
 * 20 s) must hold them as partial orders, then purge them once the retention has passed instead of
 * keeping them forever. The purge follows the records' time, not the clock, so a status change of
 * another order goes to every partition each second meanwhile, as live traffic would. Recovery:
 * from the last write until every one is gone. The dedupe half is {@link DedupeStorePlateau}.
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
        boolean held;
        boolean purged;
        Duration heldFor;
        Duration gone;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (long order : orders) {
                producer.send(statusChanged(order, Instant.now()));
            }
            producer.flush();
            long writtenAt = System.nanoTime();
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
            try {
                List<Long> others = onePerPartition(producer.partitionsFor(Topics.ORDER_STATUS_CHANGED).size());
                ticker.scheduleAtFixedRate(() -> others.forEach(o -> producer.send(statusChanged(o, Instant.now()))),
                        0, 1, TimeUnit.SECONDS);
                held = Audit.Wait.until(Duration.ofSeconds(60), Duration.ofMillis(200),
                        () -> orders.stream().allMatch(o -> streams.status("/api/v1/orders/" + o + "/state") == 200));
                heldFor = Duration.ofNanos(System.nanoTime() - writtenAt);
                purged = Audit.Wait.until(Duration.ofSeconds(90), Duration.ofMillis(200),
                        () -> orders.stream().allMatch(o -> streams.status("/api/v1/orders/" + o + "/state") == 404));
                gone = Duration.ofNanos(System.nanoTime() - writtenAt);
            } finally {
                ticker.shutdownNow();
            }
        }
        checks.check(held, "the partial orders were not all held as order states");
        checks.check(purged, "partial orders still held 90 s after the write, retention " + RETENTION);
        checks.check(!purged || gone.compareTo(RETENTION.plusSeconds(15)) <= 0, "purged only after "
                + RelayKill.seconds(gone));
        checks.check(!held || heldFor.compareTo(RETENTION) < 0, "held state seen only after the retention");
        checks.note("%d partial orders held, then purged %s after they were written (PARTIAL_ORDER_RETENTION %s)",
                ORDERS, purged ? RelayKill.seconds(gone) : "never", RETENTION);
        return checks.result(ORDERS, purged ? gone : null);
    }

    /**
     * Orders after the scenario's, one for each partition the default partitioner sends their key to,
     * as the relay's producer does.
     */
    private static List<Long> onePerPartition(int partitions) {
        Map<Integer, Long> byPartition = new TreeMap<>();
        for (long order = FIRST_ORDER + ORDERS; byPartition.size() < partitions; order++) {
            byte[] key = Long.toString(order).getBytes(StandardCharsets.UTF_8);
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(key)) % partitions, order);
        }
        return List.copyOf(byPartition.values());
    }

    /** A status change of {@code order} at {@code at}, with the headers the relay writes. */
    private static ProducerRecord<String, String> statusChanged(long order, Instant at) {
        String eventId = UUID.randomUUID().toString();
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ORDER_STATUS_CHANGED,
                Long.toString(order), statusChanged(eventId, order, at));
        record.headers().add(EventHeaders.EVENT_ID, eventId.getBytes(StandardCharsets.UTF_8))
                .add(EventHeaders.EVENT_TYPE, "OrderStatusChanged".getBytes(StandardCharsets.UTF_8))
                .add(EventHeaders.SCHEMA_VERSION, "1".getBytes(StandardCharsets.UTF_8));
        return record;
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
