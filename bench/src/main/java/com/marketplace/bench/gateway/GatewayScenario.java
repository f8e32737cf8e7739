package com.marketplace.bench.gateway;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.Figure;
import com.marketplace.bench.ProcessMemory;
import com.marketplace.bench.Scenario;
import com.marketplace.bench.ScenarioResult;
import com.marketplace.bench.ThreadCpu;
import com.marketplace.bench.http.Http1Connection;
import com.marketplace.bench.http.TwoItemOrders;
import com.marketplace.bench.report.Charts;
import com.marketplace.bench.report.Markdown;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.harness.HttpService;
import com.marketplace.harness.KafkaCluster;
import com.marketplace.harness.ProcessCpu;
import com.marketplace.kafka.embedded.FreePorts;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;

/**
 * The gateway alone: {@code POST /api/v1/orders} (two-item orders) at 1, 8, 32 and 64 connections,
 * closed loop, one keep-alive {@link Http1Connection} per connection (a load client light enough
 * not to take the cores the gateway needs), the gateway jar as its own process with its relay on
 * against a broker process and the shared MariaDB; gateway CPU per order from {@code /proc}.
 * Baseline: the same transaction (order, items, outbox row) written by a plain JDBC loop through
 * the gateway's own pool ({@link DataSources}, {@code DB_POOL_SIZE} connections, its default unless
 * {@code -Dbench.gateway.dbPoolSize}) with the gateway's admission in front of it, at the same
 * concurrency. Both sides are closed loops: their latencies are service times at saturation, not the
 * latency of a given request rate (coordinated omission is not corrected here; the pipeline scenarios
 * are open loops). To show where an order's CPU goes,
 * the same gateway process then answers, at 32 connections, an order that fails validation and a
 * path no route serves (neither touches the database), and the JDBC loop's own process CPU per
 * transaction is reported as the client side of the transaction.
 */
public final class GatewayScenario implements Scenario {

    static final int[] CONNECTIONS = {1, 8, 32, 64};

    private record Level(ClosedLoop.Outcome outcome, double cpuMicrosPerOrder, double kernelMicrosPerOrder,
            double dbCores, double machineBusy, String busiest, RelayRounds relay) {
    }

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public ScenarioResult run(BenchEnvironment env) throws Exception {
        Path work = env.workDir(name());
        String dbUrl = env.recreateSharedDatabase("marketplace_gateway_bench");
        // 45 s: on a slow machine the JIT compiler threads were still using 0.1-0.2 core at the
        // 32-connection level after 20 s of warm-up, up to a fifth of the gateway's CPU per order
        Duration warmup = Duration.ofSeconds(env.settings().pick(45, 3));
        Duration each = Duration.ofSeconds(env.settings().pick(20, 2));
        // the gateway's DB_POOL_SIZE and the JDBC loop's pool: its default unless -Dbench.gateway.dbPoolSize
        int poolSize = Integer.getInteger("bench.gateway.dbPoolSize", GatewayConfig.DEFAULT_DB_POOL_SIZE);
        Optional<Long> mariadb = env.sharedMariaDbPid();
        ScenarioResult result = new ScenarioResult("Gateway: POST /api/v1/orders vs the same transaction by plain JDBC");
        Map<Integer, Level> gateway = new LinkedHashMap<>();
        Map<Request, Level> floor = new LinkedHashMap<>();
        try (KafkaCluster kafka = KafkaCluster.start(work.resolve("kafka"), 1, Map.of(), env.jvmOptions(work, "kafka"))) {
            int port = FreePorts.next();
            Map<String, String> vars = new LinkedHashMap<>();
            vars.put("HTTP_PORT", Integer.toString(port));
            vars.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
        vars.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
            vars.put("DB_URL", dbUrl);
            vars.put("DB_USER", env.settings().dbUser());
            vars.put("DB_PASSWORD", env.settings().dbPassword());
            vars.put(GatewayConfig.DB_POOL_SIZE, Integer.toString(poolSize));
            vars.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            try (HttpService service = HttpService.start("gateway", env.settings().jars()
                    .resolve("order-gateway/target/order-gateway.jar"), port, vars, env.jvmOptions(work, "gateway"), work)) {
                service.awaitReady(Duration.ofSeconds(120));
                try (PostOrders load = PostOrders.open(service, Request.ORDER, 32)) {
                    ClosedLoop.run(32, warmup, load);
                }
                for (int c : CONNECTIONS) {
                    try (PostOrders load = PostOrders.open(service, Request.ORDER, c)) {
                        gateway.put(c, measure(c, each, load, service.process().pid(), mariadb, service));
                    }
                }
                for (Request request : List.of(Request.INVALID_ORDER, Request.UNKNOWN_PATH)) {
                    try (PostOrders load = PostOrders.open(service, request, 32)) {
                        ClosedLoop.run(32, each.dividedBy(4), load);
                        floor.put(request, measure(32, each.dividedBy(2), load, service.process().pid(), mariadb, null));
                    }
                }
                long pid = service.process().pid();
                result.memory("gateway", "heap in use", ProcessMemory.heapUsedMb(pid));
                result.memory("gateway", "RSS", ProcessMemory.rssMb(pid));
            }
        }
        Map<Integer, Level> jdbc = new LinkedHashMap<>();
        try (HikariDataSource pool = DataSources.create(dbUrl, env.settings().dbUser(), env.settings().dbPassword(),
                poolSize)) {
            OrderTransaction tx = new OrderTransaction(pool);
            ClosedLoop.Operation write = (worker, i) -> tx.write(1 + (worker * 7919L + i) % 5_000) > 0;
            ClosedLoop.run(32, warmup, write);
            for (int c : CONNECTIONS) {
                jdbc.put(c, measure(c, each, write, ProcessHandle.current().pid(), mariadb, null));
            }
        }
        report(env, result, gateway, jdbc, floor, poolSize);
        return result;
    }

    /**
     * What the load posts. Besides orders, two requests that stop short of the database measure the
     * gateway's own floor per request on the same process: an order that fails validation (the body
     * read, parsed and validated, a problem answered) and a path no route serves (HTTP and routing).
     */
    private enum Request {
        ORDER("/api/v1/orders", 201, TwoItemOrders::json,
                "`POST /api/v1/orders`, valid (201: the order's transaction, its outbox row, the relay)"),
        INVALID_ORDER("/api/v1/orders", 400, TwoItemOrders::invalidJson,
                "`POST /api/v1/orders`, an item of quantity 0 (400: the body read, parsed and validated; no database)"),
        UNKNOWN_PATH("/api/v1/no-such-path", 404, TwoItemOrders::json,
                "`POST` to a path no route serves (404: HTTP and routing only)");

        final String path;
        final int status;
        final LongFunction<byte[]> body;
        final String description;

        Request(String path, int status, LongFunction<byte[]> body, String description) {
            this.path = path;
            this.status = status;
            this.body = body;
            this.description = description;
        }
    }

    /**
     * The gateway's load: one keep-alive connection per worker, opened on first use; request {@code n}
     * of worker {@code w} carries body {@code w * 1,000,003 + n}, so workers never send the same order.
     */
    private record PostOrders(Request request, List<Http1Connection> connections)
            implements ClosedLoop.Operation, AutoCloseable {

        static PostOrders open(HttpService gateway, Request request, int connections) {
            URI target = gateway.uri(request.path);
            List<Http1Connection> open = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                open.add(new Http1Connection(target, Duration.ofSeconds(30)));
            }
            return new PostOrders(request, open);
        }

        @Override
        public boolean run(int worker, long i) throws IOException {
            return connections.get(worker).post(request.body.apply(worker * 1_000_003L + i)).status() == request.status;
        }

        @Override
        public void close() {
            connections.forEach(Http1Connection::close);
        }
    }

    /** One level's figures; {@code gateway} is null for the JDBC loop. */
    private static Level measure(int connections, Duration length, ClosedLoop.Operation op, long pid,
            Optional<Long> mariadb, HttpService gateway) throws InterruptedException {
        RelayRounds roundsBefore = gateway == null ? RelayRounds.NONE : RelayRounds.of(gateway);
        ThreadCpu cpu = ThreadCpu.begin(pid);
        ThreadCpu db = mariadb.map(ThreadCpu::begin).orElse(null);
        double[] machine = ProcessCpu.machineSeconds();
        ClosedLoop.Outcome outcome = ClosedLoop.run(connections, length, op);
        double[] machineAfter = ProcessCpu.machineSeconds();
        double busy = (machineAfter[0] - machine[0]) / Math.max(1e-9, machineAfter[1] - machine[1]);
        double perOrder = outcome.operations() == 0 ? Double.NaN : cpu.cpuSeconds() * 1e6 / outcome.operations();
        double kernelPerOrder = outcome.operations() == 0 ? Double.NaN : cpu.kernelSeconds() * 1e6 / outcome.operations();
        String busiest = cpu.describeBusiest(6);
        // read after the level: the rounds of its last orders may still be recording
        RelayRounds rounds = gateway == null ? RelayRounds.NONE : RelayRounds.of(gateway).minus(roundsBefore);
        return new Level(outcome, perOrder, kernelPerOrder, db == null ? Double.NaN : db.cores(), busy, busiest,
                rounds);
    }

    private static void report(BenchEnvironment env, ScenarioResult result, Map<Integer, Level> gateway,
            Map<Integer, Level> jdbc, Map<Request, Level> floor, int poolSize) {
        Level g32 = gateway.get(32);
        Level j32 = jdbc.get(32);
        // a level with failed requests (left out of its latencies) or none answered meets no target
        boolean loadComplete = g32.outcome().failures() == 0 && g32.outcome().operations() > 0
                && j32.outcome().failures() == 0 && j32.outcome().operations() > 0;
        double ratio = g32.outcome().perSecond() / j32.outcome().perSecond();
        result.figure(Figure.of("gateway orders/s at 32 connections", g32.outcome().perSecond(), "orders/s",
                "plain JDBC loop, same pool", j32.outcome().perSecond())
                .against("≥ 0.5 × baseline", loadComplete && ratio >= 0.5));
        double p99 = g32.outcome().latency().getValueAtPercentile(99) / 1000.0;
        result.figure(Figure.of("gateway p99 at 32 connections", p99, "ms", "plain JDBC loop",
                j32.outcome().latency().getValueAtPercentile(99) / 1000.0).against("≤ 50 ms", loadComplete && p99 <= 50));
        result.figure(new Figure("gateway CPU per order at 32 connections", g32.cpuMicrosPerOrder(), "µs", "",
                Double.NaN, "≤ 300 µs", loadComplete && g32.cpuMicrosPerOrder() <= 300));
        StringBuilder t = new StringBuilder();
        t.append("| connections | gateway orders/s | p50 ms | p99 ms | p99.9 ms | gateway CPU µs/order | of which kernel |"
                + " MariaDB cores | JDBC loop txn/s | p50 ms | p99 ms | p99.9 ms | gateway / JDBC |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        Map<String, double[][]> throughput = new LinkedHashMap<>();
        double[][] g = new double[CONNECTIONS.length][];
        double[][] j = new double[CONNECTIONS.length][];
        int i = 0;
        for (int c : CONNECTIONS) {
            Level gl = gateway.get(c);
            Level jl = jdbc.get(c);
            g[i] = new double[] {c, gl.outcome().perSecond()};
            j[i++] = new double[] {c, jl.outcome().perSecond()};
            t.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", c,
                    Figure.format(gl.outcome().perSecond()), Markdown.ms(gl.outcome().latency(), 50),
                    Markdown.ms(gl.outcome().latency(), 99), Markdown.ms(gl.outcome().latency(), 99.9),
                    Figure.format(gl.cpuMicrosPerOrder()), Figure.format(gl.kernelMicrosPerOrder()),
                    Figure.format(gl.dbCores()),
                    Figure.format(jl.outcome().perSecond()), Markdown.ms(jl.outcome().latency(), 50),
                    Markdown.ms(jl.outcome().latency(), 99), Markdown.ms(jl.outcome().latency(), 99.9),
                    Figure.format(gl.outcome().perSecond() / jl.outcome().perSecond())));
        }
        long failures = gateway.values().stream().mapToLong(l -> l.outcome().failures()).sum()
                + jdbc.values().stream().mapToLong(l -> l.outcome().failures()).sum();
        t.append(String.format(Locale.ROOT, "%nFailed requests or transactions: %d. Database pool: %d connections "
                + "(the gateway's `DB_POOL_SIZE` and the JDBC loop's pool, each with the gateway's admission in front"
                + " of it). Both are closed loops: each connection sends its next request when the last is answered,"
                + " so the latencies are service times at saturation (a stall delays at most one request per"
                + " connection), not the latencies of an open-loop rate.%n", failures, poolSize));
        StringBuilder rounds = new StringBuilder();
        for (int c : CONNECTIONS) {
            Level gl = gateway.get(c);
            rounds.append(rounds.isEmpty() ? "" : ", ").append(c).append(": ")
                    .append(gl.relay().per100(gl.outcome().operations()));
        }
        t.append(String.format(Locale.ROOT, "%nThe relay's sends / recording transactions per 100 orders, by "
                + "connections: %s.%n", rounds));
        t.append(String.format(Locale.ROOT, "%nWhere an order's gateway CPU goes, at 32 connections: requests that "
                + "stop short of the database, sent to the same gateway process after the levels above, and the "
                + "client side of the JDBC loop (the benchmark's own JVM, which runs it).%n%n"
                + "| request | per second | CPU µs per request | of which kernel |%n|---|---|---|---|%n"));
        t.append(floorRow(Request.ORDER.description, g32));
        for (Map.Entry<Request, Level> e : floor.entrySet()) {
            t.append(floorRow(e.getKey().description, e.getValue()));
        }
        t.append(floorRow("the same transaction by the plain JDBC loop, its client side", j32));
        result.details(t.toString());
        throughput.put("gateway (HTTP, relay on)", g);
        throughput.put("plain JDBC loop, same pool", j);
        Charts.lines(env.plotFile("gateway-throughput"), "Orders/s by connections", "connections", "orders/s", throughput);
        result.plot(env.plotFile("gateway-throughput").getFileName().toString());
        Map<String, Histogram> curves = new LinkedHashMap<>();
        curves.put("gateway, 32 connections", g32.outcome().latency());
        curves.put("JDBC loop, 32 connections", j32.outcome().latency());
        curves.put("gateway, 1 connection", gateway.get(1).outcome().latency());
        curves.put("JDBC loop, 1 connection", jdbc.get(1).outcome().latency());
        Charts.percentiles(env.plotFile("gateway-latency"), "POST /api/v1/orders vs the JDBC transaction", curves);
        result.plot(env.plotFile("gateway-latency").getFileName().toString());
        Level parsed = floor.get(Request.INVALID_ORDER);
        result.bound(String.format(Locale.ROOT, "At 32 connections the machine was %.0f %% busy; the gateway's busiest "
                + "threads (cores): %s; MariaDB used %.2f cores (%.2f for the JDBC loop, whose own busiest threads were %s). "
                + "Of the gateway's %.0f µs per order, the HTTP exchange with the body parsed and validated takes %.0f µs "
                + "(the 400 request) and the transaction's JDBC client side about %.0f µs (the JDBC loop's process); the "
                + "remaining %.0f µs are the rest of the order's work and its waits: the pool's hand-offs, the outbox "
                + "envelope, the answer, the relay.",
                g32.machineBusy() * 100, g32.busiest(), g32.dbCores(), j32.dbCores(), j32.busiest(),
                g32.cpuMicrosPerOrder(), parsed.cpuMicrosPerOrder(), j32.cpuMicrosPerOrder(),
                g32.cpuMicrosPerOrder() - parsed.cpuMicrosPerOrder() - j32.cpuMicrosPerOrder()));
    }

    private static String floorRow(String request, Level level) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", request, Figure.format(level.outcome().perSecond()),
                Figure.format(level.cpuMicrosPerOrder()), Figure.format(level.kernelMicrosPerOrder()));
    }
}
