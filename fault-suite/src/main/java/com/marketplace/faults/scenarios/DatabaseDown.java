package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.OrderClient;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Sql;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import com.marketplace.harness.ManagedProcess;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Scenario 4: the database (the suite's own MariaDB) goes away for 15 s under load, then comes
 * back: stopped and started again ({@link Outage#STOPPED}: connections are refused), or paused with
 * {@code SIGSTOP} and resumed with {@code SIGCONT} ({@link Outage#PAUSED}: connections stay open
 * and nothing answers on them, as when a network drops packets). The gateway must answer every
 * request, fast (a bounded wait for a connection and for each round trip, no hang), with 503
 * problem+json while the database is away; readiness must go false, then true; no order may be
 * partial; the relay must resume by itself. Recovery: from the database's return to the gateway's
 * readiness being true again.
 */
public final class DatabaseDown implements Scenario {

    /** How the database goes away. */
    public enum Outage {
        STOPPED("database-down-15s"),
        PAUSED("database-paused-15s");

        private final String scenarioName;

        Outage(String scenarioName) {
            this.scenarioName = scenarioName;
        }
    }

    private static final Duration DOWN = Duration.ofSeconds(15);
    /**
     * How long a request may take while the database is away: the gateway admits a transaction in
     * front of its pool within 3 s and then waits at most 2 s inside the pool (5 s for a connection in
     * all), and gives up on a paused database's answer after 3 s; an answer takes at most the longest
     * wait to be admitted (3 s) and one unanswered round trip (3 s), plus the work. The bound is a
     * timing target ({@link com.marketplace.faults.Checks#checkTiming}); a request that takes more than
     * {@link #HUNG_ANSWER} has hung, and fails the scenario at every scale.
     */
    private static final Duration MAX_ANSWER = Duration.ofSeconds(8);
    /** Twice the bound, and below the client's own request timeout (20 s), past which it would see no answer. */
    private static final Duration HUNG_ANSWER = MAX_ANSWER.multipliedBy(2);
    /**
     * Readiness after the restart, counted from the moment the database is started again: its own
     * start-up (well under 2 s), the pool's next attempt to reconnect (HikariCP's back-off, at most
     * 5 s apart), a readiness answer (at most 1 s) and the probes' 200 ms.
     */
    static final Duration RECOVERY_TARGET = Duration.ofSeconds(8);

    private final Outage outage;

    /** The database stopped and started again. */
    public DatabaseDown() {
        this(Outage.STOPPED);
    }

    public DatabaseDown(Outage outage) {
        this.outage = Objects.requireNonNull(outage, "outage");
    }

    private record Sent(long at, String key, OrderClient.Answer answer) {
    }

    private record Probe(long at, int status) {
    }

    @Override
    public String name() {
        return outage.scenarioName;
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Checks checks = new Checks(name());
        JarService gateway = stack.readyGatewayOnOneBroker();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED));
        OrderClient client = new OrderClient(gateway.uri("/"));
        List<Sent> sent = new CopyOnWriteArrayList<>();
        List<Probe> probes = new CopyOnWriteArrayList<>();
        long[] window = new long[2];
        Duration before = Duration.ofSeconds(8);
        Duration after = Duration.ofSeconds(stack.scale().pick(15, 25));
        Thread fault = new Thread(() -> outage(stack, outage, before, window, checks), "database-outage");
        Thread readiness = new Thread(() -> probeReadiness(gateway, before.plus(DOWN).plus(after), probes), "readiness");
        fault.start();
        readiness.start();
        try {
            Load.run(4, before.plus(DOWN).plus(after), (worker, i) -> {
                String key = "db-" + worker + "-" + i;
                sent.add(new Sent(System.nanoTime(), key, client.create(key, OrderClient.orderBody(1 + i % 20,
                        1 + worker, 9 + i % 3, i))));
                Thread.sleep(25);
                return true;
            });
        } finally {
            // however the load ended, the outage ends too: the database is the whole suite's
            fault.join(60_000);
            if (fault.isAlive()) {
                fault.interrupt();
                fault.join(60_000);
            }
            readiness.join(60_000);
        }

        long noAnswer = sent.stream().filter(s -> s.answer().noAnswer()).count();
        Duration slowest = sent.stream().map(s -> s.answer().took()).max(Duration::compareTo).orElse(Duration.ZERO);
        List<Sent> failed = sent.stream().filter(s -> !s.answer().ok()).toList();
        long notProblem503 = failed.stream().filter(s -> s.answer().status() != 503
                || !s.answer().contentType().startsWith("application/problem+json")).count();
        long created = sent.stream().filter(s -> s.answer().status() == 201).count();
        checks.check(noAnswer == 0, noAnswer + " requests got no answer");
        checks.check(slowest.compareTo(HUNG_ANSWER) <= 0, "slowest answer took " + RelayKill.seconds(slowest)
                + ": a request hung while the database was away");
        checks.checkTiming(stack.scale(), slowest.compareTo(MAX_ANSWER) <= 0, "slowest answer took "
                + RelayKill.seconds(slowest) + ", target " + RelayKill.seconds(MAX_ANSWER));
        checks.check(!failed.isEmpty(), "no request failed while the database was down: the outage did not bite");
        checks.check(notProblem503 == 0, notProblem503 + " failed answers were not 503 application/problem+json");
        boolean wentDown = probes.stream().anyMatch(p -> p.at() > window[0] && p.at() < window[1] && p.status() == 503);
        Probe backUp = probes.stream().filter(p -> p.at() > window[1] && p.status() == 200).findFirst().orElse(null);
        checks.check(wentDown, "readiness never answered 503 while the database was down");
        checks.check(backUp != null, "readiness never answered 200 after the database came back");
        Duration recovery = backUp == null ? null : Duration.ofNanos(backUp.at() - window[1]);
        checks.checkTiming(stack.scale(), recovery != null && recovery.compareTo(RECOVERY_TARGET) <= 0,
                "readiness came back " + (recovery == null ? "never" : RelayKill.seconds(recovery))
                        + " after the restart, target " + RelayKill.seconds(RECOVERY_TARGET));
        long firstCreatedAfter = sent.stream().filter(s -> s.at() > window[1] && s.answer().status() == 201)
                .mapToLong(Sent::at).min().orElse(0);
        checks.check(firstCreatedAfter > 0, "no order was created after the database came back");

        boolean delivered = Audit.awaitDelivered(stack, recorder, false, Duration.ofSeconds(90));
        checks.check(delivered, "the relay did not deliver everything within 90 s after the outage");
        long orders = Sql.queryLong(stack, "SELECT COUNT(*) FROM orders");
        long partial = Sql.queryLong(stack, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i "
                + "WHERE i.order_id = o.id) OR NOT EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.order_id = o.id)");
        long wrongCreated = Sql.queryLong(stack, Sql.ORDERS_NOT_CREATED_ONCE);
        long committedButFailed = 0;
        for (Sent s : failed) {
            committedButFailed += Sql.queryLong(stack, "SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = ?",
                    s.key().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        checks.check(partial == 0, partial + " partial orders (no items or no key)");
        checks.check(wrongCreated == 0, wrongCreated + " orders without exactly one OrderCreated outbox row");
        checks.check(orders == created + committedButFailed, orders + " orders in the database, " + created
                + " answered 201 and " + committedButFailed + " committed though answered otherwise");
        checks.note("%d requests: %d created, %d failed (all 503 problem+json: %s), slowest answer %s", sent.size(),
                created, failed.size(), notProblem503 == 0, RelayKill.seconds(slowest));
        checks.note("%d orders committed although the answer was not 2xx (a retry with the key returns them)",
                committedButFailed);
        checks.note("recovery = database back to gateway ready: %s; to the first 201: %s",
                recovery == null ? "never" : RelayKill.seconds(recovery),
                firstCreatedAfter == 0 ? "never" : RelayKill.seconds(Duration.ofNanos(firstCreatedAfter - window[1])));
        return checks.result(Audit.figures(stack, recorder, false), recovery);
    }

    /**
     * Takes the database away after {@code before} and brings it back {@link #DOWN} later; window =
     * [away, back].
     */
    private static void outage(Stack stack, Outage outage, Duration before, long[] window, Checks checks) {
        try {
            Thread.sleep(before.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // ended before the outage began
        }
        window[0] = System.nanoTime();
        try {
            if (outage == Outage.PAUSED) {
                stack.mariadb().process().signal(ManagedProcess.Signal.STOP);
            } else {
                stack.mariadb().stop();
            }
            Thread.sleep(Math.max(0, DOWN.toMillis() - (System.nanoTime() - window[0]) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            checks.check(false, "taking the database away failed: " + e);
        } finally {
            window[1] = System.nanoTime();
            bringBack(stack, outage, checks);
        }
    }

    /** Continues a paused database, or starts a stopped one: the database is shared by every scenario. */
    private static void bringBack(Stack stack, Outage outage, Checks checks) {
        try {
            if (outage == Outage.PAUSED) {
                stack.mariadb().process().signal(ManagedProcess.Signal.CONT);
            } else {
                stack.mariadb().restart();
            }
        } catch (RuntimeException e) {
            checks.check(false, "bringing the database back failed: " + e);
        }
    }

    private static void probeReadiness(JarService gateway, Duration length, List<Probe> probes) {
        long end = System.nanoTime() + length.toNanos();
        while (System.nanoTime() < end) {
            probes.add(new Probe(System.nanoTime(), gateway.status("/health/ready")));
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
