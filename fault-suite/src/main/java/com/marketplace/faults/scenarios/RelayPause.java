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
import com.marketplace.harness.ManagedProcess.Signal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 7: relay A is frozen with {@code SIGSTOP} while it holds a claim, relay B starts and
 * takes over once A's lease has run out, then A gets {@code SIGCONT}. A must record nothing it no
 * longer owns: every row it held ends PROCESSED (by B), A counts each of them in
 * {@code outbox_fenced_total} and says so in a WARN line; per-order order is kept. Recovery: from
 * the SIGSTOP until every row A held is PROCESSED (target 15 s).
 */
public final class RelayPause implements Scenario {

    private static final int ATTEMPTS = 5;

    @Override
    public String name() {
        return "relay-sigstop-past-lease";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        int orders = stack.scale().pick(1_500, 3_000);
        Checks checks = new Checks(name());
        stack.kafka(1);
        JarService writer = stack.gateway("writer", Map.of("RELAY_ENABLED", "false"));
        writer.awaitReady(RelayKill.READY);
        Load.backlog(writer, orders, 6, Duration.ofMinutes(5));

        JarService a = stack.gateway("relay-a", Map.of("OUTBOX_BATCH_SIZE", "100"));
        String holder = null;
        List<String> held = List.of();
        long heldCount = 0;
        long stoppedAt = 0;
        for (int attempt = 1; attempt <= ATTEMPTS && held.isEmpty(); attempt++) {
            String[] found = new String[1];
            Audit.Wait.until(Duration.ofSeconds(120), Duration.ofMillis(2), () -> {
                try {
                    found[0] = RelayKill.holder(stack, java.util.Set.of());
                } catch (java.sql.SQLException e) {
                    found[0] = null;
                }
                return found[0] != null;
            });
            holder = found[0];
            a.signal(Signal.STOP);
            stoppedAt = System.nanoTime();
            held = holder == null ? List.of() : RelayKill.heldRows(stack, holder);
            heldCount = holder == null ? 0 : RelayKill.heldCount(stack, holder);
            if (held.isEmpty()) {
                a.signal(Signal.CONT);
            }
        }
        checks.check(!held.isEmpty(), "could not freeze relay A while it held rows");
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED));
        stack.gateway("relay-b", Map.of("OUTBOX_BATCH_SIZE", "100"));
        List<String> heldByA = held;
        boolean takenOver = Audit.Wait.until(Duration.ofSeconds(90), Duration.ofMillis(50),
                () -> RelayKill.allProcessed(stack, heldByA));
        Duration recovery = Duration.ofNanos(System.nanoTime() - stoppedAt);
        checks.check(takenOver, "relay B did not publish the rows of frozen relay A within 90 s");
        checks.checkTiming(stack.scale(), recovery.compareTo(RelayKill.RECOVERY_TARGET) <= 0, "A's rows waited " + RelayKill.seconds(recovery)
                + ", more than " + RelayKill.seconds(RelayKill.RECOVERY_TARGET));
        boolean drained = Audit.awaitDelivered(stack, recorder, false, Duration.ofSeconds(120));
        checks.check(drained, "the backlog was not delivered within 120 s while A was frozen");

        a.signal(Signal.CONT);
        long expected = heldCount;
        boolean counted = Audit.Wait.until(Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> Load.metric(a, "outbox_fenced_total") >= expected);
        double fenced = Load.metric(a, "outbox_fenced_total");
        // the relay counts a fenced row before it logs it: wait for the line rather than read the log at once
        Audit.Wait.until(Duration.ofSeconds(10), Duration.ofMillis(200), () -> !a.logLines("re-claimed").isEmpty());
        List<String> warnings = a.logLines("re-claimed");
        checks.check(counted, "after SIGCONT relay A counted " + fenced + " fenced rows, expected at least " + expected);
        checks.check(!warnings.isEmpty() && warnings.stream().allMatch(l -> l.contains("WARN")),
                "relay A logged no WARN line about the rows it lost");
        // let A do whatever harm its late sends and updates can (a graceful stop flushes its producer and
        // ends its loops), then check the database and topics again
        a.process().stop(Duration.ofSeconds(30));
        Audit.Figures figures = Audit.figures(stack, recorder, false);
        checks.check(figures.events() == 2L * orders, "expected " + 2 * orders + " outbox events, found " + figures.events());
        checks.check(figures.rawDuplicates() <= heldCount, figures.rawDuplicates()
                + " duplicates on the order topics, more than the " + heldCount + " rows A held");
        long unexplained = Audit.rawDuplicatesOutside(stack, recorder, java.util.Set.copyOf(heldByA));
        checks.check(unexplained == 0, unexplained + " duplicates on the order topics of rows A did not hold");
        checks.note("relay %s frozen holding %d rows (%d within its claims' ranges); taken over and PROCESSED %s after SIGSTOP",
                holder, heldCount, held.size(), RelayKill.seconds(recovery));
        checks.note("after SIGCONT: outbox_fenced_total %.0f, %d WARN line(s): %s", fenced, warnings.size(),
                warnings.isEmpty() ? "" : warnings.get(0));
        return checks.result(figures, recovery);
    }
}
