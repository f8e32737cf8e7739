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
import com.marketplace.faults.StatsCheck;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Scenario 8: the streams app (exactly_once_v2) is killed with {@code kill -9} three times while
 * orders are created and walk through their statuses, and restarted each time on the same state
 * directory. Each output id must appear exactly once on each output topic, and the statistics the
 * query API serves must equal those recomputed from the database. Recovery: from a kill until the
 * restarted instance answers a statistics query (target 10 s).
 */
public final class StreamsKill implements Scenario {

    static final Duration RECOVERY_TARGET = Duration.ofSeconds(10);
    private static final int KILLS = 3;
    /** How long a restarted instance is given to answer before the next kill. */
    private static final Duration RESTART_WAIT = Duration.ofSeconds(120);
    /** Status walks: each order follows one of these after its creation. */
    private static final List<List<String>> WALKS = List.of(
            List.of("PAID", "SHIPPED", "DELIVERED"),
            List.of("CANCELLED"),
            List.of("PAID", "CANCELLED"),
            List.of("PAID", "SHIPPED"),
            List.of());

    @Override
    public String name() {
        return "streams-kill-9-x3";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Duration length = Duration.ofSeconds(stack.scale().pick(50, 120));
        Checks checks = new Checks(name());
        Stack.Pipeline pipeline = stack.readyPipeline(1, Map.of());
        JarService gateway = pipeline.gateway();
        JarService streams = pipeline.streams();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED,
                Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS));
        OrderClient client = new OrderClient(gateway.uri("/"));
        List<Duration> recoveries = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        long loadUntil = start + length.toNanos();
        Thread killer = FaultThreads.start("killer", () -> killRepeatedly(streams, length, start, recoveries, checks));
        try {
            // orders keep coming until the last restart has answered, so that no kill lands on an idle app
            Load.run(3, length.plus(RESTART_WAIT.multipliedBy(KILLS)), (worker, i) -> {
                createAndWalk(client, worker * 1_000_000L + i);
                Thread.sleep(20);
                return System.nanoTime() < loadUntil || killer.isAlive();
            });
        } finally {
            FaultThreads.end(killer, Duration.ofSeconds(180), checks);
        }

        boolean delivered = Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(120));
        checks.check(delivered, "not every event and its outputs delivered within 120 s after the load");
        List<String> diffs = StatsCheck.awaitAgreement(stack, streams, Duration.ofSeconds(60));
        checks.check(diffs.isEmpty(), "served statistics differ from the database: " + StatsCheck.summary(diffs));
        Duration worst = recoveries.stream().max(Duration::compareTo).orElse(null);
        checks.check(recoveries.size() == KILLS, "only " + recoveries.size() + " of " + KILLS + " restarts answered");
        checks.checkTiming(stack.scale(), worst != null && worst.compareTo(RECOVERY_TARGET) <= 0,
                "a restarted instance answered after "
                + (worst == null ? "never" : RelayKill.seconds(worst)) + ", target " + RelayKill.seconds(RECOVERY_TARGET));
        checks.note("recovery = kill -9 until the restarted instance answers a stats query: %s",
                recoveries.stream().map(RelayKill::seconds).toList());
        return checks.result(Audit.figures(stack, recorder, true), worst);
    }

    /**
     * Creates order {@code n} (idempotency key {@code walk-n}) and walks it through one of the status
     * walks, each request retried until answered.
     *
     * @throws IllegalStateException when a request is refused
     */
    static void createAndWalk(OrderClient client, long n) {
        OrderClient.Answer created = client.createUntilAnswered("walk-" + n,
                OrderClient.orderBody(1 + n % 25, 1 + n % 12, 13 + n % 4, n), Duration.ofSeconds(30));
        if (created.status() != 201) {
            throw new IllegalStateException("order answered " + created.status());
        }
        for (String status : WALKS.get((int) (n % WALKS.size()))) {
            OrderClient.Answer changed = client.changeStatusUntilAnswered(created.orderId(), status, Duration.ofSeconds(30));
            if (!changed.ok()) {
                throw new IllegalStateException("order " + created.orderId() + " -> " + status + " answered "
                        + changed.status());
            }
        }
    }

    private static void killRepeatedly(JarService streams, Duration length, long start, List<Duration> recoveries,
            Checks checks) {
        try {
            for (int k = 1; k <= KILLS; k++) {
                long at = start + length.toNanos() * k / (KILLS + 1);
                Thread.sleep(Math.max(0, (at - System.nanoTime()) / 1_000_000));
                streams.kill();
                long killedAt = System.nanoTime();
                streams.start();
                boolean back = Audit.Wait.until(RESTART_WAIT, Duration.ofMillis(100),
                        () -> Load.get(streams.uri("/api/v1/stats/status-counts")) != null);
                if (back) {
                    recoveries.add(Duration.ofNanos(System.nanoTime() - killedAt));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            checks.check(false, "kill/restart failed: " + e);
        }
    }
}
