package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.FaultThreads;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.OrderClient;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Sql;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 2: the gateway is killed with {@code kill -9} under HTTP load and restarted; clients
 * retry with the same {@code Idempotency-Key} and body until they get an answer. Each key must map
 * to exactly one order, the one every answer for that key named; every order has its items and its
 * creation event; there are no orphan rows; every event reaches Kafka. Each key is asked twice, and
 * the second answer must name the first one's order. Recovery: from a kill until the restarted
 * gateway reports ready.
 */
public final class GatewayKill implements Scenario {

    private static final int WORKERS = 6;
    private static final int ITEMS_PER_ORDER = 2;

    private final List<Duration> recoveries = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "gateway-kill-9-idempotency";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Duration length = Duration.ofSeconds(stack.scale().pick(30, 60));
        int kills = stack.scale().pick(1, 2);
        Checks checks = new Checks(name());
        JarService gateway = stack.readyGatewayOnOneBroker();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED));
        OrderClient client = new OrderClient(gateway.uri("/"));
        Map<String, Long> answered = new ConcurrentHashMap<>();
        AtomicInteger contradictions = new AtomicInteger();
        AtomicInteger unanswered = new AtomicInteger();
        long start = System.nanoTime();
        Thread killer = FaultThreads.start("killer", () -> killRepeatedly(gateway, kills, length, start, checks));
        try {
            Load.run(WORKERS, length, (worker, i) -> {
                String key = "key-" + worker + "-" + i;
                String body = OrderClient.orderBody(1 + i % 30, 1 + worker, 10 + i % 5, i);
                OrderClient.Answer answer = client.createUntilAnswered(key, body, Duration.ofSeconds(60));
                if (!answer.ok()) {
                    unanswered.incrementAndGet();
                    return true;
                }
                answered.put(key, answer.orderId()); // every key is asked by one worker only
                // ask once more, through any kill as the first ask: the same key and body must name the same order
                OrderClient.Answer again = client.createUntilAnswered(key, body, Duration.ofSeconds(60));
                if (!again.ok()) {
                    unanswered.incrementAndGet();
                } else if (again.orderId() != answer.orderId()) {
                    contradictions.incrementAndGet();
                }
                return true;
            });
        } finally {
            FaultThreads.end(killer, Duration.ofSeconds(120), checks);
        }

        boolean delivered = Audit.awaitDelivered(stack, recorder, false, Duration.ofSeconds(90));
        checks.check(delivered, "not every event delivered within 90 s after the load");
        long orders = Sql.queryLong(stack, "SELECT COUNT(*) FROM orders");
        long keys = Sql.queryLong(stack, "SELECT COUNT(*) FROM idempotency_keys");
        long ordersWithoutKey = Sql.queryLong(stack, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS "
                + "(SELECT 1 FROM idempotency_keys k WHERE k.order_id = o.id)");
        long wrongItems = Sql.queryLong(stack, "SELECT COUNT(*) FROM orders o WHERE (SELECT COUNT(*) FROM order_items i "
                + "WHERE i.order_id = o.id) <> " + ITEMS_PER_ORDER);
        long wrongCreated = Sql.queryLong(stack, Sql.ORDERS_NOT_CREATED_ONCE);
        long orphanEvents = Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events e WHERE NOT EXISTS "
                + "(SELECT 1 FROM orders o WHERE o.id = CAST(e.aggregate_id AS UNSIGNED))");
        long keyMismatches = 0;
        for (Map.Entry<String, Long> e : answered.entrySet()) {
            List<String> stored = Sql.queryColumn(stack, "SELECT order_id FROM idempotency_keys WHERE idempotency_key = ?",
                    e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (stored.size() != 1 || Long.parseLong(stored.get(0)) != e.getValue()) {
                keyMismatches++;
            }
        }
        checks.check(unanswered.get() == 0, unanswered.get() + " requests got no 2xx within 60 s of retries");
        checks.check(contradictions.get() == 0, contradictions.get() + " keys answered with two different orders");
        checks.check(keyMismatches == 0, keyMismatches + " answered keys whose stored order differs from the answer");
        checks.check(keys == answered.size(), keys + " keys stored, " + answered.size() + " answered");
        checks.check(orders == keys && ordersWithoutKey == 0, orders + " orders for " + keys + " keys; "
                + ordersWithoutKey + " orders without a key");
        checks.check(wrongItems == 0, wrongItems + " orders without exactly " + ITEMS_PER_ORDER + " items");
        checks.check(wrongCreated == 0, wrongCreated + " orders without exactly one OrderCreated outbox row");
        checks.check(orphanEvents == 0, orphanEvents + " outbox rows of no order");
        Audit.Figures figures = Audit.figures(stack, recorder, false);
        Duration recovery = recoveries.stream().max(Duration::compareTo).orElse(null);
        checks.check(recoveries.size() == kills, "only " + recoveries.size() + " of " + kills + " kills recovered");
        checks.note("%d orders for %d keys over %d s with %d kill(s); recovery = kill -9 until the restarted gateway is ready: %s",
                orders, answered.size(), length.toSeconds(), kills, recoveries.stream().map(RelayKill::seconds).toList());
        return checks.result(figures, recovery);
    }

    private void killRepeatedly(JarService gateway, int kills, Duration length, long start, Checks checks) {
        try {
            for (int k = 1; k <= kills; k++) {
                long at = start + length.toNanos() * k / (kills + 1);
                Thread.sleep(Math.max(0, (at - System.nanoTime()) / 1_000_000));
                gateway.kill();
                long killedAt = System.nanoTime();
                gateway.start();
                gateway.awaitReady(Duration.ofSeconds(60));
                recoveries.add(Duration.ofNanos(System.nanoTime() - killedAt));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            checks.check(false, "kill/restart failed: " + e);
        }
    }
}
