package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Scenario 5: one transaction writes an outbox row (a lower id than those that follow) and stays
 * open for 5 s while 1,000 other events commit around it through the gateway. The late row must be
 * published too, and nothing skipped. Recovery: from its commit until it is on its topic.
 */
public final class HeldTransaction implements Scenario {

    private static final Duration HELD = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "transaction-held-5s";
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
        String eventId = UUID.randomUUID().toString();
        long committedAt;
        try (Connection conn = stack.db()) {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO outbox_events (event_id, aggregate_type, "
                    + "aggregate_id, event_type, payload, status, created_at, next_attempt_at) "
                    + "VALUES (?, 'Order', '999999999', 'OrderCreated', '{\"held\":true}', 'PENDING', NOW(6), NOW(6))")) {
                ps.setString(1, eventId);
                ps.executeUpdate();
            }
            long openedAt = System.nanoTime();
            Load.backlog(gateway, 500, 4, Duration.ofSeconds(60));
            Thread.sleep(Math.max(0, HELD.toMillis() - (System.nanoTime() - openedAt) / 1_000_000));
            checks.note("the held transaction stayed open %s while %d other events committed",
                    RelayKill.seconds(Duration.ofNanos(System.nanoTime() - openedAt)), 1_000);
            conn.commit();
            committedAt = System.nanoTime();
        }
        boolean published = Audit.Wait.until(Duration.ofSeconds(60), Duration.ofMillis(20),
                () -> recorder.on(Topics.ORDER_CREATED).stream().anyMatch(r -> eventId.equals(r.id())));
        Duration recovery = Duration.ofNanos(System.nanoTime() - committedAt);
        checks.check(published, "the late-committed row was not published within 60 s");
        boolean delivered = Audit.awaitDelivered(stack, recorder, false, Duration.ofSeconds(60));
        checks.check(delivered, "not everything delivered");
        checks.note("recovery = commit of the held transaction until its event was on the topic");
        Audit.Figures figures = Audit.figures(stack, recorder, false);
        // nothing befalls the relay or the broker here: an event sent twice is the relay's own doing
        checks.check(figures.rawDuplicates() == 0, figures.rawDuplicates() + " duplicates on the order topics");
        return checks.result(figures, published ? recovery : null);
    }
}
