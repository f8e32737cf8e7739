package com.marketplace.bench.relay;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.Figure;
import com.marketplace.bench.ProcessMemory;
import com.marketplace.bench.Scenario;
import com.marketplace.bench.ScenarioResult;
import com.marketplace.bench.ThreadCpu;
import com.marketplace.bench.gateway.OrderTransaction;
import com.marketplace.bench.gateway.RelayRounds;
import com.marketplace.bench.pipeline.OpenLoopOrders;
import com.marketplace.bench.pipeline.RecordArrivals;
import com.marketplace.bench.report.Charts;
import com.marketplace.bench.report.Markdown;
import com.marketplace.events.Topics;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.Migrations;
import com.marketplace.harness.HttpService;
import com.marketplace.harness.KafkaCluster;
import com.marketplace.harness.MariaDbServer;
import com.marketplace.kafka.embedded.FreePorts;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Commit → record visible to a consumer at a steady 200 orders/s, open loop (each request or
 * transaction is due at a fixed time whatever happened to earlier ones), on the MariaDB with the
 * binlog on and a broker process. Project: the gateway jar with its relay, timed from each 201 (sent
 * after the commit). Baseline: Debezium's embedded engine on the same table, the same transaction
 * written by a plain JDBC client, timed from the commit's return, at {@code poll.interval.ms} 500
 * (its default) and 10. A plain consumer (not transactional producers, so no commit marker to wait
 * for) notes when each order's record arrives. Each engine first runs the same load for a minute, not
 * timed: after 15 s the gateway's JIT compiler still took a fifth of a core or more, and its latencies
 * were the compiler's more than the relay's (the cold start is the pipeline scenario's to measure).
 */
public final class CommitToAckScenario implements Scenario {

    private static final int RATE = 200;

    @Override
    public String name() {
        return "commit-to-ack";
    }

    @Override
    public ScenarioResult run(BenchEnvironment env) throws Exception {
        Path work = env.workDir(name());
        Duration warmup = Duration.ofSeconds(env.settings().pick(60, 2));
        Duration measured = Duration.ofSeconds(env.settings().pick(30, 4));
        ScenarioResult result = new ScenarioResult("Commit → Kafka at a steady 200 orders/s vs Debezium");
        MariaDbServer server = env.binlogServer();
        String url = env.recreateBinlogDatabase("outbox_latency");
        Map<String, Histogram> curves = new LinkedHashMap<>();
        StringBuilder notes = new StringBuilder();
        try (KafkaCluster kafka = KafkaCluster.start(work.resolve("kafka"), 1, Map.of(), env.jvmOptions(work, "kafka"));
                HikariDataSource db = DataSources.create(url, MariaDbServer.USER, MariaDbServer.PASSWORD,
                        GatewayConfig.DEFAULT_DB_POOL_SIZE)) {
            String bootstrap = kafka.bootstrapServers();
            String topic = RelayDrainScenario.DEBEZIUM_TOPIC;
            Outbox.createTopics(bootstrap, 3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED, topic);
            Migrations.migrate(db);
            curves.put("project relay (201 → record)", relay(env, work, result, server, url, bootstrap, warmup,
                    measured, notes));
            for (int poll : new int[] {500, 10}) {
                curves.put("Debezium poll.interval.ms=" + poll + " (commit → record)",
                        debezium(env, work, server, db, bootstrap, topic, poll, warmup, measured, notes));
            }
        }
        Histogram ours = curves.get("project relay (201 → record)");
        Histogram d500 = curves.get("Debezium poll.interval.ms=500 (commit → record)");
        Histogram d10 = curves.get("Debezium poll.interval.ms=10 (commit → record)");
        double p50 = ours.getValueAtPercentile(50) / 1000.0;
        double p99 = ours.getValueAtPercentile(99) / 1000.0;
        // the relay is timed from the 201, which follows its commit; Debezium's writer learns of its commit at once
        result.figure(Figure.of("relay, 201 → Kafka p50 at 200/s", p50, "ms", "Debezium, poll 10 ms, commit → Kafka",
                d10.getValueAtPercentile(50) / 1000.0).against("≤ 2 ms", p50 <= 2));
        result.figure(Figure.of("relay, 201 → Kafka p99 at 200/s", p99, "ms", "Debezium, poll 10 ms, commit → Kafka",
                d10.getValueAtPercentile(99) / 1000.0).against("≤ 15 ms", p99 <= 15));
        result.figure(Figure.of("relay, 201 → Kafka p50 at 200/s", p50, "ms",
                "Debezium, poll 500 ms (default), commit → Kafka", d500.getValueAtPercentile(50) / 1000.0));
        result.figure(Figure.of("relay, 201 → Kafka p99 at 200/s", p99, "ms",
                "Debezium, poll 500 ms (default), commit → Kafka", d500.getValueAtPercentile(99) / 1000.0));
        StringBuilder t = new StringBuilder(Markdown.LATENCY_HEADER);
        curves.forEach((name, h) -> t.append(Markdown.latencyRow(name, h)));
        t.append("\n").append(notes);
        result.details(t.toString());
        Charts.percentiles(env.plotFile("commit-to-ack"), "Commit → record on Kafka at 200 orders/s", curves);
        result.plot(env.plotFile("commit-to-ack").getFileName().toString());
        result.bound(String.format(Locale.ROOT, "Debezium: the connector hands the records it has read from the binlog "
                + "to the engine once per poll, so its latency follows poll.interval.ms: p50 %s ms at 500 ms (about half "
                + "the interval, as for arrivals spread evenly over it) and %s ms at 10 ms, where reading the binlog "
                + "event and the produce round trip remain.", Figure.format(d500.getValueAtPercentile(50) / 1000.0),
                Figure.format(d10.getValueAtPercentile(50) / 1000.0)));
        return result;
    }

    private static Histogram relay(BenchEnvironment env, Path work, ScenarioResult result, MariaDbServer server,
            String url, String bootstrap, Duration warmup, Duration measured, StringBuilder notes) throws Exception {
        int port = FreePorts.next();
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("HTTP_PORT", Integer.toString(port));
        vars.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
        vars.put("DB_URL", url);
        vars.put("DB_USER", MariaDbServer.USER);
        vars.put("DB_PASSWORD", MariaDbServer.PASSWORD);
        vars.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        Histogram h = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        try (HttpService gateway = HttpService.start("gateway", env.settings().jars()
                .resolve("order-gateway/target/order-gateway.jar"), port, vars, env.jvmOptions(work, "gateway"), work);
                RecordArrivals arrivals = new RecordArrivals(bootstrap, List.of(Topics.ORDER_CREATED))) {
            gateway.awaitReady(Duration.ofSeconds(120));
            arrivals.start();
            OpenLoopOrders load = new OpenLoopOrders(gateway.uri("/"));
            load.run(RATE, warmup, System.nanoTime());
            RelayRounds roundsBefore = RelayRounds.of(gateway);
            ThreadCpu cpu = ThreadCpu.begin(gateway.process().pid());
            ThreadCpu dbCpu = ThreadCpu.begin(server.process().pid());
            List<OpenLoopOrders.Sent> sent = load.run(RATE, measured, System.nanoTime());
            String busiest = cpu.describeBusiest(5);
            double gatewayCores = cpu.cores();
            double dbCores = dbCpu.cores();
            long created = sent.stream().filter(OpenLoopOrders.Sent::created).count();
            if (created < sent.size()) {
                // refused orders are absent from the latencies: no figure of this run is a measure
                throw new IllegalStateException("the relay's run is not whole: " + created + " of " + sent.size()
                        + " orders answered 201");
            }
            Map<Long, Long> answered = new LinkedHashMap<>();
            sent.forEach(s -> answered.put(s.orderId(), s.answeredNanos()));
            record(h, "the relay's run", arrivals, Topics.ORDER_CREATED, answered);
            // read once every order is on the topic: the last sends may still be recording
            RelayRounds rounds = RelayRounds.of(gateway).minus(roundsBefore);
            notes.append(String.format(Locale.ROOT, "Project relay: %d orders, each answered 201 and seen on the "
                    + "topic. Its clock starts at the 201, after the commit it is handed its row at, where "
                    + "Debezium's starts at its writer's commit: the ratios leave out the project's time from its "
                    + "commit to the 201 reaching the client (the HTTP answer's write and read, a fraction of a "
                    + "millisecond), so they favour it by that much. The gateway used %.2f cores (%.0f µs per "
                    + "order) and MariaDB %.2f (%.0f µs per order); "
                    + "gateway busiest threads (cores): %s. The relay's sends / recording transactions per 100 "
                    + "orders: %s.%n%n", created, gatewayCores, gatewayCores * 1e6 / RATE, dbCores,
                    dbCores * 1e6 / RATE, busiest, rounds.per100(created)));
            result.memory("gateway", "heap in use", ProcessMemory.heapUsedMb(gateway.process().pid()));
            result.memory("gateway", "RSS", ProcessMemory.rssMb(gateway.process().pid()));
            result.bound(String.format(Locale.ROOT, "Project relay: each order's row is written leased to the "
                    + "gateway's relay and handed to it at the commit, then sent at once in a produce of its own "
                    + "(`linger.ms=0`), without a claim round; gateway threads at 200/s: %s.", busiest));
        }
        return h;
    }

    private static Histogram debezium(BenchEnvironment env, Path work, MariaDbServer server, HikariDataSource db,
            String bootstrap, String topic, int poll, Duration warmup, Duration measured, StringBuilder notes)
            throws Exception {
        Path dir = work.resolve("debezium-poll-" + poll);
        java.nio.file.Files.createDirectories(dir);
        DebeziumProcess.State state = DebeziumOffsets.record(env, dir, server, "outbox_latency", db, bootstrap, topic);
        Histogram h = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        try (DebeziumProcess engine = DebeziumProcess.start(env, dir, "debezium-poll-" + poll, server, "outbox_latency",
                bootstrap, topic, state, poll, 0, 0, false);
                RecordArrivals arrivals = new RecordArrivals(bootstrap, List.of(topic))) {
            arrivals.start();
            OrderTransaction tx = new OrderTransaction(db);
            OpenLoopTransactions.run(tx, RATE, warmup);
            ThreadCpu cpu = ThreadCpu.begin(engine.process().pid());
            List<OpenLoopTransactions.Committed> committed = OpenLoopTransactions.run(tx, RATE, measured);
            double cores = cpu.cores();
            String busiest = cpu.describeBusiest(4);
            Map<Long, Long> committedAt = new LinkedHashMap<>();
            committed.forEach(c -> committedAt.put(c.orderId(), c.committedNanos()));
            record(h, "Debezium's run at poll.interval.ms=" + poll, arrivals, topic, committedAt);
            notes.append(String.format(Locale.ROOT, "Debezium at poll.interval.ms=%d: %d transactions, each seen on "
                    + "the topic; its process used %.2f cores, busiest threads: %s.%n%n", poll, committed.size(),
                    cores, busiest));
        }
        return h;
    }

    /**
     * Waits for every order's record on {@code topic} and records each one's latency from its start
     * ({@code startNanos} by order id; a record seen before its start counts as 0).
     *
     * @throws IllegalStateException when there is no order or some record never came: the records never
     *         seen would be the slowest, and a run without them is no measure
     */
    private static void record(Histogram h, String run, RecordArrivals arrivals, String topic,
            Map<Long, Long> startNanos) throws InterruptedException {
        await(arrivals, topic, List.copyOf(startNanos.keySet()));
        long missing = startNanos.keySet().stream().filter(id -> arrivals.seen(topic, id) == null).count();
        if (startNanos.isEmpty() || missing > 0) {
            throw new IllegalStateException(run + " is not whole: " + missing + " of " + startNanos.size()
                    + " orders not seen on " + topic);
        }
        startNanos.forEach((id, start) -> h.recordValue(Math.max(0, (arrivals.seen(topic, id) - start) / 1000)));
    }

    private static void await(RecordArrivals arrivals, String topic, List<Long> orderIds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && orderIds.stream().anyMatch(id -> arrivals.seen(topic, id) == null)) {
            Thread.sleep(100);
        }
    }
}
