package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.OrderClient;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 6: three gateway instances, each with its relay, on one database; orders and their status
 * walks are sent to all three in turn. Without faults nothing may be published twice, and every
 * order's events stay in outbox order.
 */
public final class ThreeGateways implements Scenario {

    @Override
    public String name() {
        return "three-gateways-one-database";
    }

    @Override
    public boolean quick() {
        return false;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Checks checks = new Checks(name());
        stack.kafka(1);
        List<JarService> gateways = List.of(stack.gateway("gateway-1", Map.of()), stack.gateway("gateway-2", Map.of()),
                stack.gateway("gateway-3", Map.of()));
        for (JarService gateway : gateways) {
            gateway.awaitReady(RelayKill.READY);
        }
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED));
        List<OrderClient> clients = gateways.stream().map(g -> new OrderClient(g.uri("/"))).toList();
        Load.run(6, Duration.ofSeconds(40), (worker, i) -> {
            long n = worker * 1_000_000L + i;
            OrderClient.Answer created = clients.get((int) (n % 3)).createUntilAnswered("g-" + n,
                    OrderClient.orderBody(1 + n % 30, 1 + worker, 9 + n % 4, n), Duration.ofSeconds(30));
            if (created.status() != 201) {
                throw new IllegalStateException("order answered " + created.status());
            }
            int step = 1;
            for (String status : List.of("PAID", "SHIPPED", "DELIVERED")) {
                if (!clients.get((int) ((n + step++) % 3)).changeStatusUntilAnswered(created.orderId(), status,
                        Duration.ofSeconds(30)).ok()) {
                    throw new IllegalStateException("order " + created.orderId() + " -> " + status + " refused");
                }
            }
            return true;
        });
        boolean delivered = Audit.awaitDelivered(stack, recorder, false, Duration.ofSeconds(60));
        checks.check(delivered, "not everything delivered within 60 s after the load");
        Audit.Figures figures = Audit.figures(stack, recorder, false);
        checks.check(figures.rawDuplicates() == 0, figures.rawDuplicates() + " events published twice without a fault");
        return checks.result(figures, null);
    }
}
