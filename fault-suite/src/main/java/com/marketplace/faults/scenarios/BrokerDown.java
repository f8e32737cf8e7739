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
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scenario 3: the only broker is down for 30 s under a steady load of about 100 orders/s (some with
 * status changes). Every request must be answered 2xx (the gateway needs only its database), and
 * after the broker is back everything must be delivered in per-order order. Recovery: from the
 * broker's restart until every event is on its topic.
 */
public final class BrokerDown implements Scenario {

    private static final Duration DOWN = Duration.ofSeconds(30);
    private static final int WORKERS = 4;
    /** Each worker paces itself to this many orders per second. */
    private static final int PER_WORKER_RATE = 25;

    @Override
    public String name() {
        return "broker-down-30s";
    }

    @Override
    public boolean quick() {
        return false;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Checks checks = new Checks(name());
        JarService gateway = stack.readyGatewayOnOneBroker();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED));
        OrderClient client = new OrderClient(gateway.uri("/"));
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        long[] restartedAt = new long[1];
        Duration before = Duration.ofSeconds(10);
        Thread fault = FaultThreads.start("broker-outage", () -> {
            try {
                Thread.sleep(before.toMillis());
                stack.kafka().stop(1);
                Thread.sleep(DOWN.toMillis());
                restartedAt[0] = System.nanoTime();
                stack.kafka().restart(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                checks.check(false, "broker stop/restart failed: " + e);
            }
        });
        try {
            Duration length = before.plus(DOWN).plus(Duration.ofSeconds(15));
            Load.run(WORKERS, length, Load.paced(PER_WORKER_RATE, (worker, i) -> {
                long n = worker * 1_000_000L + i;
                sent.incrementAndGet();
                OrderClient.Answer created = client.create("b-" + n,
                        OrderClient.orderBody(1 + n % 30, 1 + worker, 9 + n % 4, n));
                if (created.status() != 201) {
                    refused.incrementAndGet();
                } else if (n % 3 == 0) {
                    for (String status : List.of("PAID", "SHIPPED")) {
                        sent.incrementAndGet();
                        if (!client.changeStatus(created.orderId(), status).ok()) {
                            refused.incrementAndGet();
                        }
                    }
                }
                return true;
            }));
        } finally {
            FaultThreads.end(fault, Duration.ofSeconds(120), checks);
        }
        boolean delivered = Audit.awaitDelivered(stack, recorder, false, Duration.ofSeconds(180));
        Duration recovery = delivered ? Duration.ofNanos(System.nanoTime() - restartedAt[0]) : null;
        checks.check(refused.get() == 0, refused.get() + " of " + sent.get() + " requests not answered 2xx");
        checks.check(delivered, "not everything delivered within 180 s after the broker came back");
        checks.note("%d requests, %d not 2xx; recovery = broker restarted until every event was on its topic", sent.get(),
                refused.get());
        return checks.result(Audit.figures(stack, recorder, false), recovery);
    }
}
