package com.marketplace.bench.relay;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.Figure;
import com.marketplace.bench.Scenario;
import com.marketplace.bench.ScenarioResult;
import com.marketplace.bench.ThreadCpu;
import com.marketplace.bench.report.Charts;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.Topics;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.Migrations;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.OutboxMetrics;
import com.marketplace.gateway.outbox.OutboxPublisher;
import com.marketplace.gateway.outbox.OutboxRelay;
import com.marketplace.gateway.outbox.OutboxRow;
import com.marketplace.gateway.outbox.RelaySettings;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxTransactions;
import com.marketplace.harness.KafkaCluster;
import com.marketplace.harness.MariaDbServer;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drain of a backlog of PENDING outbox rows (100,000; 10,000 in a quick run), after a warm-up
 * backlog drained by the same engine in the same pass, written with the gateway's repository (one
 * transaction per row, from 8 connections, without an order's other rows), on the MariaDB with the binlog on and a
 * broker process. The project's relay (one, batch 500, in this JVM) against two baselines: a plain
 * idempotent {@code acks=all} producer sending the same records (no database), and Debezium's
 * embedded engine reading the same rows from the binlog.
 */
public final class RelayDrainScenario implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(RelayDrainScenario.class);
    private static final String BASELINE_TOPIC = "bench.baseline";
    static final String DEBEZIUM_TOPIC = "bench.debezium.order-events";
    private static final int BATCH_SIZE = 500;

    @Override
    public String name() {
        return "relay-drain";
    }

    @Override
    public ScenarioResult run(BenchEnvironment env) throws Exception {
        Path work = env.workDir(name());
        int events = env.settings().pick(100_000, 10_000);
        int warmup = env.settings().pick(20_000, 3_000);
        ScenarioResult result = new ScenarioResult(String.format(Locale.ROOT,
                "Relay drain of a %,d-row backlog vs a plain producer and Debezium", events));
        MariaDbServer server = env.binlogServer();
        String url = env.recreateBinlogDatabase("outbox_drain");
        try (KafkaCluster kafka = KafkaCluster.start(work.resolve("kafka"), 1, Map.of(), env.jvmOptions(work, "kafka"));
                HikariDataSource db = DataSources.create(url, MariaDbServer.USER, MariaDbServer.PASSWORD,
                        GatewayConfig.DEFAULT_DB_POOL_SIZE)) {
            String bootstrap = kafka.bootstrapServers();
            Outbox.createTopics(bootstrap, 3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED, BASELINE_TOPIC, DEBEZIUM_TOPIC);
            Migrations.migrate(db);
            Transactions tx = new Transactions(db);
            double producer = baselineProducer(bootstrap, Outbox.envelopes(events));
            DebeziumProcess.State state = DebeziumOffsets.record(env, work, server, "outbox_drain", db, bootstrap,
                    DEBEZIUM_TOPIC);
            Outbox.insertBacklog(db, Outbox.envelopes(warmup + events));
            log.info("Backlog of {} + {} rows written", warmup, events);
            ThreadCpu dbCpuDebezium = ThreadCpu.begin(server.process().pid());
            double debezium;
            Map<String, Double> debeziumThreads;
            double debeziumCpuPerEvent;
            double debeziumDbMicrosPerRow;
            try (DebeziumProcess engine = DebeziumProcess.start(env, work, "debezium-drain", server, "outbox_drain",
                    bootstrap, DEBEZIUM_TOPIC, state, 500, warmup + events, warmup, false)) {
                Properties r = engine.awaitResult(Duration.ofMinutes(10));
                if (r == null) {
                    throw new IllegalStateException("Debezium did not drain the backlog; see " + engine.process().logFile());
                }
                if (Long.parseLong(r.getProperty("records", "0")) < warmup + events
                        || r.getProperty("process.cpu.warm") == null) {
                    throw new IllegalStateException("Debezium's drain is not whole (" + r.getProperty("records")
                            + " of " + (warmup + events) + " records) or its result lacks process.cpu.warm (rebuild "
                            + "bench-debezium); see " + engine.process().logFile());
                }
                double seconds = (Long.parseLong(r.getProperty("last.nanos"))
                        - Long.parseLong(r.getProperty("warm.nanos"))) / 1e9;
                debezium = events / seconds;
                debeziumDbMicrosPerRow = dbCpuDebezium.cpuSeconds() * 1e6 / (warmup + events);
                debeziumThreads = DebeziumProcess.threads(r);
                debeziumCpuPerEvent = Double.parseDouble(r.getProperty("process.cpu.warm")) * 1e6 / events;
            }
            ThreadCpu dbCpu = ThreadCpu.begin(server.process().pid());
            RelayDrain drain = drainWithRelay(tx, bootstrap, warmup, events);
            double relay = events / drain.warmSeconds();
            double relayDbCores = dbCpu.cpuSeconds() / drain.totalSeconds();
            double relayDbMicrosPerRow = dbCpu.cpuSeconds() * 1e6 / (warmup + events);
            report(env, result, events, relay, producer, debezium, drain, relayDbCores, relayDbMicrosPerRow,
                    debeziumThreads, debeziumCpuPerEvent, debeziumDbMicrosPerRow);
        }
        return result;
    }

    private static void report(BenchEnvironment env, ScenarioResult result, int events, double relay, double producer,
            double debezium, RelayDrain drain, double relayDbCores, double relayDbMicrosPerRow,
            Map<String, Double> debeziumThreads, double debeziumCpuPerEvent, double debeziumDbMicrosPerRow) {
        result.figure(Figure.of("relay drain", relay, "events/s", "Debezium embedded (MariaDB binlog, outbox router)",
                debezium).against("≥ 2 × Debezium", relay >= 2 * debezium));
        result.figure(Figure.of("relay drain", relay, "events/s", "plain idempotent producer (no database)", producer)
                .against("≥ 20,000 events/s", relay >= 20_000));
        result.details(String.format(Locale.ROOT, """
                | drain of %,d rows | events/s | vs relay |
                |---|---|---|
                | project relay (1 relay, batch %d) | %s | 1.00 |
                | Debezium %s embedded, MariaDB connector + Outbox Event Router | %s | %s |
                | plain idempotent acks=all producer, same records, no database | %s | %s |

                The backlog (after a warm-up backlog of the same shape, drained first by each engine and not timed)
                is written one outbox row per transaction, from 8 connections, without the order and item rows an
                order's transaction also writes: Debezium's reader of the binary log has no other tables' row events
                to skip, as it would in the gateway's database. The relay and Debezium drain the same rows of the
                same table one after the other; the producer sends the same records.
                """, events, BATCH_SIZE, Figure.format(relay), DebeziumProcess.VERSION, Figure.format(debezium),
                Figure.format(debezium / relay), Figure.format(producer), Figure.format(producer / relay)));
        Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("project relay", relay);
        values.put("Debezium embedded", debezium);
        values.put("plain producer", producer);
        bars.put("events/s", values);
        Charts.bars(env.plotFile("relay-drain"), String.format(Locale.ROOT, "Drain of %,d outbox rows", events),
                "events/s", bars);
        result.plot(env.plotFile("relay-drain").getFileName().toString());
        result.bound(String.format(Locale.ROOT, "Relay: the benchmark JVM's busiest threads during the drain (cores) "
                + "were %s, and MariaDB used %.2f cores, %.0f µs of CPU per drained row (warm-up rows included). %s "
                + "Debezium: %.0f µs of CPU per event in its process after the warm-up; its busiest threads in that "
                + "time (CPU seconds for the whole backlog): %s; MariaDB used %.0f µs of CPU per row it read (the "
                + "binlog dump thread; warm-up rows included).", drain.busiestThreads(), relayDbCores,
                relayDbMicrosPerRow, drain.rounds(), debeziumCpuPerEvent, describeSeconds(debeziumThreads),
                debeziumDbMicrosPerRow));
    }

    private static String describeSeconds(Map<String, Double> threads) {
        return threads.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5)
                .map(e -> String.format(Locale.ROOT, "`%s` %.1f s", e.getKey(), e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("–");
    }

    /** Median of three passes of a warmed-up producer over the same records. */
    private static double baselineProducer(String bootstrap, List<EventEnvelope> envelopes) {
        Properties base = new Properties();
        base.put("bootstrap.servers", bootstrap);
        base.put("client.id", "bench-baseline");
        List<OutboxRow> rows = new ArrayList<>(envelopes.size());
        long id = 0;
        for (EventEnvelope e : envelopes) {
            NewOutboxEvent n = NewOutboxEvent.from(e);
            rows.add(new OutboxRow(++id, n.eventId(), n.aggregateId(), n.eventType(), n.schemaVersion(),
                    n.envelopeJson(), 0, n.createdAt(), OutboxRow.LEASED));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(OutboxPublisher.producerProperties(base),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(BASELINE_TOPIC);
            List<Double> measured = new ArrayList<>();
            for (int pass = 0; pass < 4; pass++) {
                long start = System.nanoTime();
                for (OutboxRow row : rows) {
                    ProducerRecord<String, byte[]> r = OutboxPublisher.toRecord(row);
                    producer.send(new ProducerRecord<>(BASELINE_TOPIC, null, r.key(), r.value(), r.headers()));
                }
                producer.flush();
                if (pass > 0) {
                    measured.add(rows.size() / ((System.nanoTime() - start) / 1e9));
                }
            }
            measured.sort(null);
            return measured.get(1);
        }
    }

    /**
     * How the relay drained the backlog.
     *
     * @param warmSeconds    from the warm-up's last row to the backlog's last
     * @param totalSeconds   the whole drain, warm-up included
     * @param busiestThreads the benchmark JVM's busiest threads over the whole drain
     * @param rounds         the relay's own round timers over the whole drain
     */
    private record RelayDrain(double warmSeconds, double totalSeconds, String busiestThreads, String rounds) {
    }

    private static RelayDrain drainWithRelay(Transactions tx, String bootstrap, int warmup, int events)
            throws Exception {
        ThreadCpu self = ThreadCpu.begin(ProcessHandle.current().pid());
        Properties base = new Properties();
        base.put("bootstrap.servers", bootstrap);
        Clock clock = Clock.systemUTC();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxRelay relay = new OutboxRelay(new JdbcOutboxTransactions(tx, new JdbcOutboxRepository()),
                OutboxPublisher.create(base, clock),
                RelaySettings.of("bench-relay", BATCH_SIZE, Duration.ofSeconds(1), 10), new OutboxMetrics(registry, clock),
                clock);
        Counter published = registry.get("outbox.published").counter();
        log.info("Relay drain starts");
        long start = System.nanoTime();
        relay.start();
        relay.eventsCommitted();
        long warm = 0;
        long deadline = start + Duration.ofMinutes(10).toNanos();
        while (published.count() < warmup + events) {
            if (warm == 0 && published.count() >= warmup) {
                warm = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                relay.close();
                throw new IllegalStateException("relay published " + published.count() + " of " + (warmup + events));
            }
            Thread.sleep(2);
        }
        long end = System.nanoTime();
        String threads = self.describeBusiest(6);
        relay.close();
        return new RelayDrain((end - warm) / 1e9, (end - start) / 1e9, threads, describeRounds(registry));
    }

    /** The relay's rounds by phase (the {@code outbox.round} timers): how many, and their mean time. */
    private static String describeRounds(MeterRegistry registry) {
        String phases = registry.find("outbox.round").timers().stream()
                .sorted(Comparator.comparing(t -> t.getId().getTag("phase")))
                .map(t -> String.format(Locale.ROOT, "%s %,d × %.1f ms", t.getId().getTag("phase"), t.count(),
                        t.mean(TimeUnit.MILLISECONDS)))
                .reduce((a, b) -> a + ", " + b).orElse("–");
        return "The relay's rounds (count × mean time): " + phases + ".";
    }
}
