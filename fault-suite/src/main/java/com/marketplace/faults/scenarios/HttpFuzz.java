package com.marketplace.faults.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.OrderClient;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Sql;
import com.marketplace.faults.Stack;
import com.marketplace.faults.scenarios.FuzzRequests.Kind;
import com.marketplace.faults.scenarios.FuzzRequests.Outcome;
import com.marketplace.faults.scenarios.FuzzRequests.Request;
import com.marketplace.faults.scenarios.FuzzRequests.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 13: 10,000 generated bad or hostile HTTP requests (1,500 in the quick subset) against
 * the gateway jar, on plain sockets ({@link FuzzRequests}): mutated and random JSON, extreme
 * numbers, deep nesting, long strings over the body limit, wrong methods and routes, abused
 * headers, and bodies cut short (the client half-closes, stalls, drops the connection, or falls
 * silent). Passes when no answer is 5xx; every request is answered within {@link #BOUND} (a
 * request whose body is cut short or far over the limit may be closed instead); every 4xx with a
 * body is problem+json naming its status; the rows of {@code orders}, {@code order_items},
 * {@code outbox_events} and {@code idempotency_keys} that are new all belong to orders answered
 * 201 (a mutation can make a valid order) and none was changed; the gateway logs no ERROR; and a
 * valid order afterwards is created and stored whole. The seed is printed and set with
 * {@code -Dfaults.fuzz.seed}; request {@code i} of a seed is always the same bytes.
 */
public final class HttpFuzz implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(HttpFuzz.class);

    static final String SEED_PROPERTY = "faults.fuzz.seed";
    private static final long DEFAULT_SEED = 20_261_202L;
    private static final int WORKERS = 4;
    /** The gateway ends a silent connection after its 10 s idle timeout; everything else is answered at once. */
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int EXAMPLES = 5;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String name() {
        return "http-fuzz";
    }

    @Override
    public boolean quick() {
        return true;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        long seed = Long.getLong(SEED_PROPERTY, DEFAULT_SEED);
        int requests = stack.scale().pick(1_500, 10_000);
        int silent = stack.scale().pick(2, 6);
        Checks checks = new Checks(name());
        checks.note("seed %d (-D%s=%d sends the same requests again)", seed, SEED_PROPERTY, seed);
        JarService gateway = stack.readyGatewayOnOneBroker();
        OrderClient client = new OrderClient(gateway.uri("/"));
        long terminalOrder = cancelledOrder(client);
        Rows before = Rows.read(stack);
        log.info("Sending {} generated requests and {} silent ones to the gateway, seed {}", requests, silent, seed);

        Tally tally = new Tally(seed);
        FuzzRequests generator = new FuzzRequests(seed, terminalOrder);
        int port = gateway.uri("/").getPort();
        long start = System.nanoTime();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try {
            List<Thread> silentOnes = new ArrayList<>();
            for (int s = 1; s <= silent; s++) {
                Request request = generator.silent(s);
                Thread t = new Thread(() -> tally.record(request, FuzzRequests.send(request, port, BOUND, timers)),
                        "silent-" + s);
                t.start();
                silentOnes.add(t);
            }
            AtomicInteger next = new AtomicInteger();
            Load.run(WORKERS, Duration.ofMinutes(20), (worker, i) -> {
                int index = next.getAndIncrement();
                if (index >= requests) {
                    return false;
                }
                Request request = generator.request(index);
                tally.record(request, FuzzRequests.send(request, port, BOUND, timers));
                return true;
            });
            for (Thread t : silentOnes) {
                t.join(BOUND.toMillis() * 2);
            }
        } finally {
            timers.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        tally.check(checks);
        checks.check(gateway.running(), "the gateway process died during the fuzz");
        checkRows(stack, checks, before, tally.accepted(), terminalOrder);
        List<String> errors = gateway.logLines(" ERROR ");
        checks.check(errors.isEmpty(), errors.size() + " ERROR lines in the gateway's log, first: "
                + errors.stream().findFirst().orElse(""));
        List<String> warnings = gateway.logLines(" WARN ");
        checks.note("%d WARN lines in the gateway's log%s", warnings.size(), warnings.isEmpty() ? ""
                : ", first: " + warnings.get(0).substring(0, Math.min(200, warnings.get(0).length())));
        checkStillServes(stack, client, gateway, checks);
        tally.note(checks);
        checks.note("%d requests in %s (%.0f/s)", tally.sent(), Checks.seconds(took),
                tally.sent() / Math.max(0.001, took.toMillis() / 1000.0));
        return checks.result(tally.sent(), null);
    }

    /** An order moved to CANCELLED, a terminal status: status changes aimed at it cannot write. */
    private static long cancelledOrder(OrderClient client) {
        OrderClient.Answer created = client.create(null, OrderClient.orderBody(1, 1, 2, 0));
        OrderClient.Answer cancelled = client.changeStatus(created.orderId(), "CANCELLED");
        if (created.status() != 201 || cancelled.status() != 200) {
            throw new IllegalStateException("could not set up the cancelled order: " + created + ", " + cancelled);
        }
        return created.orderId();
    }

    /** Row counts and highest ids of the gateway's tables. */
    private record Rows(long orders, long items, long outbox, long keys, long maxOrder, long maxItem, long maxOutbox) {

        static Rows read(Stack stack) throws Exception {
            return new Rows(Sql.queryLong(stack, "SELECT COUNT(*) FROM orders"),
                    Sql.queryLong(stack, "SELECT COUNT(*) FROM order_items"),
                    Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events"),
                    Sql.queryLong(stack, "SELECT COUNT(*) FROM idempotency_keys"),
                    Sql.queryLong(stack, "SELECT MAX(id) FROM orders"),
                    Sql.queryLong(stack, "SELECT MAX(id) FROM order_items"),
                    Sql.queryLong(stack, "SELECT MAX(id) FROM outbox_events"));
        }

        String counts() {
            return "orders " + orders + ", order_items " + items + ", outbox_events " + outbox + ", idempotency_keys " + keys;
        }
    }

    /**
     * Every row added during the fuzz must belong to an order answered 201: the order, its items,
     * its one OrderCreated event and its key. Rows that were there before must be there still, and
     * the cancelled order must still be cancelled.
     */
    private static void checkRows(Stack stack, Checks checks, Rows before, Set<Long> accepted, long terminalOrder)
            throws Exception {
        Rows after = Rows.read(stack);
        Set<Long> newOrders = longs(Sql.queryColumn(stack, "SELECT id FROM orders WHERE id > ?", before.maxOrder()));
        List<Long> itemOrders = Sql.queryColumn(stack, "SELECT order_id FROM order_items WHERE id > ?", before.maxItem())
                .stream().map(Long::valueOf).toList();
        List<String> newEvents = Sql.queryColumn(stack,
                "SELECT CONCAT(event_type, ' ', aggregate_id) FROM outbox_events WHERE id > ?", before.maxOutbox());
        List<Long> keyOrders = Sql.queryColumn(stack, "SELECT order_id FROM idempotency_keys WHERE order_id > ?",
                before.maxOrder()).stream().map(Long::valueOf).toList();
        long strayOrders = newOrders.stream().filter(id -> !accepted.contains(id)).count();
        long strayItems = itemOrders.stream().filter(id -> !accepted.contains(id)).count();
        List<String> expectedEvents = accepted.stream().map(id -> "OrderCreated " + id).sorted().toList();
        long strayKeys = keyOrders.stream().filter(id -> !accepted.contains(id)).count();
        checks.check(strayOrders == 0 && newOrders.size() == accepted.size(), strayOrders + " orders written by "
                + "rejected requests; " + newOrders.size() + " new orders for " + accepted.size() + " answered 201");
        checks.check(strayItems == 0, strayItems + " order_items rows of no order answered 201");
        checks.check(new HashSet<>(itemOrders).containsAll(accepted), "an order answered 201 has no items");
        checks.check(newEvents.stream().sorted().toList().equals(expectedEvents), "new outbox rows are not exactly one "
                + "OrderCreated per order answered 201: " + newEvents.size() + " rows for " + accepted.size() + " orders");
        checks.check(strayKeys == 0, strayKeys + " idempotency_keys rows of no order answered 201");
        checks.check(after.orders() - before.orders() == newOrders.size()
                && after.items() - before.items() == itemOrders.size()
                && after.outbox() - before.outbox() == newEvents.size()
                && after.keys() - before.keys() == keyOrders.size(), "rows that were there before the fuzz are gone: "
                + "before " + before.counts() + ", after " + after.counts());
        List<String> status = Sql.queryColumn(stack, "SELECT status FROM orders WHERE id = ?", terminalOrder);
        checks.check(status.equals(List.of("CANCELLED")), "the cancelled order is now " + status);
        checks.note("rows before: %s; after: %s; %d orders answered 201 (mutations that stayed valid), "
                + "0 rows allowed from anything else: found %d", before.counts(), after.counts(), accepted.size(),
                strayOrders + strayItems + strayKeys + Math.max(0, newEvents.size() - accepted.size()));
    }

    /** A valid order after the fuzz is answered 201, can be read back, and is stored whole. */
    private static void checkStillServes(Stack stack, OrderClient client, JarService gateway, Checks checks)
            throws Exception {
        OrderClient.Answer answer = client.create("http-fuzz-afterwards", OrderClient.orderBody(7, 3, 4, 1));
        checks.check(answer.status() == 201, "a valid order after the fuzz was answered " + answer.status());
        if (answer.status() != 201) {
            return;
        }
        long id = answer.orderId();
        checks.check(gateway.status("/api/v1/orders/" + id) == 200, "the order created after the fuzz cannot be read back");
        long items = Sql.queryLong(stack, "SELECT COUNT(*) FROM order_items WHERE order_id = ?", id);
        long events = Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events WHERE aggregate_id = ? "
                + "AND event_type = 'OrderCreated'", Long.toString(id));
        long keys = Sql.queryLong(stack, "SELECT COUNT(*) FROM idempotency_keys WHERE order_id = ?", id);
        checks.check(items == 2 && events == 1 && keys == 1, "the order created after the fuzz is stored with " + items
                + " items, " + events + " OrderCreated rows and " + keys + " keys (2, 1, 1 expected)");
        checks.note("afterwards a valid order was answered %d in %s and stored whole", answer.status(),
                Checks.seconds(answer.took()));
    }

    private static Set<Long> longs(List<String> values) {
        return values.stream().map(Long::valueOf).collect(Collectors.toSet());
    }

    /** What the requests got, collected from every worker. */
    private static final class Tally {

        private final long seed;
        private final Map<Kind, AtomicLong> sent = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        private final Map<Kind, AtomicLong> cutOff = new ConcurrentHashMap<>();
        private final Set<Long> accepted = ConcurrentHashMap.newKeySet();
        private final Map<String, List<String>> problems = new ConcurrentHashMap<>();
        private final AtomicLong slowestMillis = new AtomicLong();
        private volatile String slowest = "";
        private final AtomicLong silentSlowestMillis = new AtomicLong();

        Tally(long seed) {
            this.seed = seed;
        }

        void record(Request request, Outcome outcome) {
            sent.computeIfAbsent(request.kind(), k -> new AtomicLong()).incrementAndGet();
            String label = outcome.state() == State.ANSWERED ? Integer.toString(outcome.status())
                    : outcome.state().name().toLowerCase(Locale.ROOT).replace('_', ' ');
            outcomes.computeIfAbsent(label, k -> new AtomicLong()).incrementAndGet();
            long millis = outcome.took().toMillis();
            if (request.cut() == FuzzRequests.Cut.SILENT) {
                silentSlowestMillis.accumulateAndGet(millis, Math::max);
            } else if (outcome.state() != State.ABANDONED && slowestMillis.accumulateAndGet(millis, Math::max) == millis) {
                slowest = request.kind() + " #" + request.index();
            }
            judge(request, outcome);
        }

        private void judge(Request request, Outcome outcome) {
            switch (outcome.state()) {
                case REFUSED -> problem("refused: the gateway was not listening", request, outcome);
                case NO_ANSWER_IN_TIME -> problem("no answer and no close within " + Checks.seconds(BOUND), request, outcome);
                case NOT_HTTP -> problem("answered with something that is not HTTP", request, outcome);
                case CLOSED -> {
                    if (request.mayBeCutOff()) {
                        cutOff.computeIfAbsent(request.kind(), k -> new AtomicLong()).incrementAndGet();
                    } else {
                        problem("closed without an answer", request, outcome);
                    }
                }
                case ABANDONED -> {
                    // dropped by the client on purpose; its effect is checked in the rows
                }
                case ANSWERED -> judgeAnswer(request, outcome);
            }
        }

        private void judgeAnswer(Request request, Outcome outcome) {
            int status = outcome.status();
            if (status >= 500) {
                problem("answered 5xx", request, outcome);
            } else if (status >= 400 && !outcome.body().isEmpty() && !isProblem(outcome)) {
                problem("a 4xx body that is not problem+json naming its status", request, outcome);
            } else if (status < 300 && request.cut() != FuzzRequests.Cut.NONE) {
                problem("a body cut short answered 2xx", request, outcome);
            }
            if (status == 201 && outcome.location() > 0) {
                accepted.add(outcome.location());
            }
        }

        private static boolean isProblem(Outcome outcome) {
            if (!outcome.contentType().startsWith("application/problem+json")) {
                return false;
            }
            try {
                JsonNode problem = MAPPER.readTree(outcome.body());
                return problem.path("status").asInt() == outcome.status() && problem.hasNonNull("title");
            } catch (Exception e) {
                return false;
            }
        }

        private void problem(String what, Request request, Outcome outcome) {
            List<String> examples = problems.computeIfAbsent(what, k -> new CopyOnWriteArrayList<>());
            String example = String.format(Locale.ROOT, "seed %d request %d (%s): %s -> %s %d %s %s", seed,
                    request.index(), request.kind(), request.excerpt(), outcome.state(), outcome.status(),
                    outcome.contentType(), outcome.body().length() > 300 ? outcome.body().substring(0, 300) : outcome.body());
            examples.add(example);
            if (examples.size() <= EXAMPLES) {
                log.warn("{}: {}", what, example);
            }
        }

        void check(Checks checks) {
            problems.forEach((what, examples) -> {
                checks.check(false, examples.size() + " requests " + what);
                examples.stream().limit(EXAMPLES).forEach(e -> checks.note("  %s", e));
            });
        }

        void note(Checks checks) {
            Map<Kind, Long> byKind = new EnumMap<>(Kind.class);
            sent.forEach((k, v) -> byKind.put(k, v.get()));
            Map<String, Long> byOutcome = new TreeMap<>();
            outcomes.forEach((k, v) -> byOutcome.put(k, v.get()));
            Map<Kind, Long> closed = new EnumMap<>(Kind.class);
            cutOff.forEach((k, v) -> closed.put(k, v.get()));
            checks.note("sent by kind: %s", byKind);
            checks.note("outcomes: %s", byOutcome);
            checks.note("closed by the server without an answer (body cut short or far over the limit): %s", closed);
            checks.note("slowest answer %d ms (%s); silent clients cut off after at most %d ms", slowestMillis.get(),
                    slowest, silentSlowestMillis.get());
        }

        long sent() {
            return sent.values().stream().mapToLong(AtomicLong::get).sum();
        }

        Set<Long> accepted() {
            return Set.copyOf(accepted);
        }
    }
}
