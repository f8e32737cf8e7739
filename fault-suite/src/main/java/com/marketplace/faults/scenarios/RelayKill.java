package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.FaultThreads;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Sql;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: a relay is killed with {@code kill -9} three times while it drains a backlog, and
 * restarted at once (a new process, a new relay id). Nothing may be lost; the order topics may
 * carry duplicates only of rows the dead relay held; after the streams app every event has exactly
 * one output of each kind. Recovery: from a kill until every row the dead relay held is PROCESSED
 * (target 15 s: one lease after its last renewal). A held row that the next relay has re-claimed
 * when that relay is killed in turn counts towards that later kill's recovery, which measures it
 * from its own kill: each dead relay's rows are timed once, from the death that stranded them.
 */
public final class RelayKill implements Scenario {

    static final Duration READY = Duration.ofSeconds(120);
    static final Duration RECOVERY_TARGET = Duration.ofSeconds(15);
    private static final int KILLS = 3;

    @Override
    public String name() {
        return "relay-kill-9";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        int orders = stack.scale().pick(2_500, 5_000);
        int events = 2 * orders;
        Checks checks = new Checks(name());
        stack.kafka(1);
        JarService writer = stack.gateway("writer", Map.of("RELAY_ENABLED", "false"));
        JarService streams = stack.streams("streams", Map.of());
        writer.awaitReady(READY);
        Load.backlog(writer, orders, 6, Duration.ofMinutes(5));
        streams.awaitReady(READY);
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED,
                Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS));

        JarService relay = stack.gateway("relay", Map.of("OUTBOX_BATCH_SIZE", "100"));
        long held = 0;
        java.util.Set<String> heldIds = new java.util.HashSet<>();
        List<java.util.concurrent.CompletableFuture<Duration>> recoveries = new ArrayList<>();
        long lastKillAt = 0;
        java.util.Set<String> dead = new java.util.HashSet<>();
        // the dead relays' ids in the order they were killed
        List<String> killedHolders = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            // mid-drain: the relay holds a claim and has published at least a batch since it started
            long after = lastKillAt + 100;
            String[] holder = new String[1];
            boolean midDrain;
            try (java.sql.Connection conn = stack.db()) {
                midDrain = Audit.Wait.until(Duration.ofSeconds(120), Duration.ofMillis(1), () -> {
                    holder[0] = liveHolder(conn, after, dead);
                    return holder[0] != null;
                });
            }
            long before = processed(stack);
            lastKillAt = before;
            checks.check(midDrain, "kill " + kill + ": the relay was not caught mid-drain (" + before + " of "
                    + events + " processed)");
            relay.kill();
            dead.add(holder[0]);
            killedHolders.add(holder[0] == null ? "" : holder[0]);
            long killedAt = System.nanoTime();
            List<String> heldRows = holder[0] == null ? List.of() : heldRows(stack, holder[0]);
            long heldCount = holder[0] == null ? 0 : heldCount(stack, holder[0]);
            held += heldCount;
            heldIds.addAll(heldRows);
            relay.start();
            recoveries.add(watch(stack, heldRows, killedAt, kill, killedHolders, checks));
            checks.note("kill %d at %d/%d processed: the dead relay held %d rows (%d within its claims' ranges)", kill,
                    before, events, heldCount, heldRows.size());
        }
        Duration worst = Duration.ZERO;
        for (java.util.concurrent.CompletableFuture<Duration> recovery : recoveries) {
            Duration d = recovery.get(120, java.util.concurrent.TimeUnit.SECONDS);
            worst = d.compareTo(worst) > 0 ? d : worst;
        }
        checks.note("dead relays' rows PROCESSED after: %s", recoveries.stream().map(r -> seconds(r.join())).toList());
        boolean delivered = Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(120));
        checks.check(delivered, "not everything delivered within 120 s after the last restart");
        Audit.Figures figures = Audit.figures(stack, recorder, true);
        checks.check(figures.events() == events, "expected " + events + " outbox events, the database has " + figures.events());
        checks.check(figures.rawDuplicates() <= held, figures.rawDuplicates()
                + " duplicates on the order topics, more than the " + held + " rows the dead relays held");
        long unexplained = Audit.rawDuplicatesOutside(stack, recorder, heldIds);
        checks.check(unexplained == 0, unexplained + " duplicates on the order topics of rows no dead relay held");
        checks.checkTiming(stack.scale(), worst.compareTo(RECOVERY_TARGET) <= 0, "a dead relay's rows waited " + seconds(worst)
                + ", more than " + seconds(RECOVERY_TARGET));
        checks.note("recovery = worst time from a kill -9 until every row the dead relay held was PROCESSED "
                + "(or held by the next relay when that one was killed, whose recovery then counts it)");
        return checks.result(figures, worst);
    }

    /**
     * Completes with the time from {@code killedAt} until every row of {@code heldRows} is PROCESSED
     * or held by a relay killed after this one (kill number {@code kill}, 1-based, in
     * {@code killedHolders}), whose own recovery times it from then on; at most 90 s.
     */
    private static java.util.concurrent.CompletableFuture<Duration> watch(Stack stack, List<String> heldRows,
            long killedAt, int kill, List<String> killedHolders, Checks checks) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                boolean recovered = Audit.Wait.until(Duration.ofSeconds(90), Duration.ofMillis(50),
                        () -> allProcessedOrHeldByLaterDead(stack, heldRows,
                                killedHolders.subList(kill, killedHolders.size())));
                synchronized (checks) {
                    checks.check(recovered, "kill " + kill + ": rows held by the dead relay were not published within 90 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Duration.ofNanos(System.nanoTime() - killedAt);
        }, task -> FaultThreads.start("recovery-" + kill, task)); // a thread for the one task, ending with it
    }

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** The rows {@code relay} holds now (see {@link Sql#HELD_ROWS}). */
    static List<String> heldRows(Stack stack, String relay) throws java.sql.SQLException {
        return Sql.queryColumn(stack, Sql.HELD_ROWS, relay, relay);
    }

    /** How many rows {@code relay} took and holds now: the most it may have published and not recorded. */
    static long heldCount(Stack stack, String relay) throws java.sql.SQLException {
        return Sql.queryLong(stack, Sql.HELD_COUNT, relay, relay);
    }

    static long processed(Stack stack) {
        try {
            return Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events WHERE status = 'PROCESSED'");
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    /** A relay id holding rows now, other than those in {@code except}; null if none. */
    static String holder(Stack stack, java.util.Set<String> except) throws java.sql.SQLException {
        List<String> holders = Sql.queryColumn(stack, Sql.HOLDERS);
        return holders.stream().map(String::trim).filter(h -> !except.contains(h)).findFirst().orElse(null);
    }

    /** A relay id holding rows now, not one of {@code dead}, once at least {@code processed} rows are PROCESSED. */
    private static String liveHolder(java.sql.Connection conn, long processed, java.util.Set<String> dead) {
        try (java.sql.Statement st = conn.createStatement()) {
            String live = null;
            try (java.sql.ResultSet rs = st.executeQuery(Sql.HOLDERS)) {
                while (rs.next() && live == null) {
                    String relay = rs.getString(1).trim();
                    live = relay.isEmpty() || dead.contains(relay) ? null : relay;
                }
            }
            try (java.sql.ResultSet rs = st.executeQuery(
                    "SELECT COUNT(*) FROM outbox_events WHERE status = 'PROCESSED'")) {
                return rs.next() && rs.getLong(1) >= processed ? live : null;
            }
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    static boolean allProcessed(Stack stack, List<String> ids) {
        return allProcessedOrHeldByLaterDead(stack, ids, List.of());
    }

    /** Whether every row of {@code ids} is PROCESSED or still held by one of {@code laterDead}. */
    static boolean allProcessedOrHeldByLaterDead(Stack stack, List<String> ids, List<String> laterDead) {
        if (ids.isEmpty()) {
            return true;
        }
        List<String> holders = laterDead.stream().filter(h -> !h.isEmpty())
                .map(h -> "'" + h.replace("'", "''") + "'").toList();
        String in = String.join(",", holders);
        String heldByLaterDead = holders.isEmpty() ? ""
                : " OR (o.status = 'PENDING' AND (o.claimed_by IN (" + in + ") OR EXISTS (SELECT 1 FROM outbox_claims c"
                        + " WHERE c.relay_id IN (" + in + ") AND c.first_id <= o.id AND c.last_id >= o.id)))";
        try {
            long done = Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events o WHERE o.id IN (" + String.join(",", ids)
                    + ") AND (o.status = 'PROCESSED'" + heldByLaterDead + ")");
            return done == ids.size();
        } catch (java.sql.SQLException e) {
            return false;
        }
    }
}
