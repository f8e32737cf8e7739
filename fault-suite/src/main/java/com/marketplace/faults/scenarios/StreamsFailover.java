package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
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

/**
 * Scenario 11: two streams instances (one standby replica each); one is killed with
 * {@code kill -9} and not restarted. While the survivor takes over, every statistics answer it gives
 * must be right or a 503, never a wrong number; afterwards it serves every key, and the pipeline
 * carries on with exactly-once outputs. Recovery: from the kill until the survivor serves every
 * statistic correctly.
 */
public final class StreamsFailover implements Scenario {

    /** Between two polls of every statistic during the handover. */
    private static final Duration POLL_PAUSE = Duration.ofMillis(50);

    @Override
    public String name() {
        return "two-streams-one-killed";
    }

    @Override
    public boolean quick() {
        return false;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Checks checks = new Checks(name());
        stack.kafka(1);
        JarService gateway = stack.gateway("gateway", Map.of());
        Map<String, String> standby = Map.of("NUM_STANDBY_REPLICAS", "1");
        JarService first = stack.streams("streams-1", standby);
        JarService second = stack.streams("streams-2", standby);
        gateway.awaitReady(RelayKill.READY);
        first.awaitReady(RelayKill.READY);
        second.awaitReady(RelayKill.READY);
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED,
                Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS));
        OrderClient client = new OrderClient(gateway.uri("/"));
        load(client, Duration.ofSeconds(20), 0);
        checks.check(Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(120)), "not delivered before the kill");
        List<String> before = StatsCheck.awaitAgreement(stack, second, Duration.ofSeconds(60));
        checks.check(before.isEmpty(), "statistics wrong before the kill: " + StatsCheck.summary(before));

        first.kill();
        long killedAt = System.nanoTime();
        int polls = 0;
        int wrong = 0;
        int unavailable = 0;
        Duration recovery = null;
        while (recovery == null && System.nanoTime() - killedAt < Duration.ofSeconds(120).toNanos()) {
            List<String> diffs = StatsCheck.differences(stack, second);
            polls++;
            long wrongNumbers = diffs.stream().filter(d -> d.contains(": served ") && !d.contains("served null")).count();
            wrong += wrongNumbers > 0 ? 1 : 0;
            unavailable += diffs.isEmpty() ? 0 : 1;
            if (wrongNumbers > 0) {
                checks.note("wrong answer during handover: %s", diffs.get(0));
            }
            if (diffs.isEmpty()) {
                recovery = Duration.ofNanos(System.nanoTime() - killedAt);
            } else {
                Thread.sleep(POLL_PAUSE.toMillis()); // leaves the two cores to the survivor being timed
            }
        }
        checks.check(recovery != null, "the survivor did not serve every statistic within 120 s");
        checks.check(wrong == 0, wrong + " of " + polls + " polls during the handover got a wrong number");
        load(client, Duration.ofSeconds(15), 1);
        checks.check(Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(120)), "not delivered after the kill");
        List<String> after = StatsCheck.awaitAgreement(stack, second, Duration.ofSeconds(60));
        checks.check(after.isEmpty(), "statistics wrong after the handover: " + StatsCheck.summary(after));
        checks.note("handover: %d polls of every statistic, %d with something unavailable, %d with a wrong number; "
                + "recovery = kill -9 until the survivor served everything right", polls, unavailable, wrong);
        return checks.result(Audit.figures(stack, recorder, true), recovery);
    }

    private static void load(OrderClient client, Duration length, int round) throws Exception {
        Load.run(3, length, (worker, i) -> {
            long n = round * 10_000_000L + worker * 1_000_000L + i;
            OrderClient.Answer created = client.createUntilAnswered("f-" + n,
                    OrderClient.orderBody(1 + n % 25, 1 + n % 12, 13 + n % 4, n), Duration.ofSeconds(30));
            if (created.status() != 201) {
                throw new IllegalStateException("order answered " + created.status());
            }
            String status = n % 3 == 0 ? "CANCELLED" : "PAID";
            if (!client.changeStatusUntilAnswered(created.orderId(), status, Duration.ofSeconds(30)).ok()) {
                throw new IllegalStateException("order " + created.orderId() + " -> " + status + " refused");
            }
            Thread.sleep(20);
            return true;
        });
    }

}
