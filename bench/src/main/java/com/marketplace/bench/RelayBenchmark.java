package com.marketplace.bench;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.Topics;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.Migrations;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.OutboxMetrics;
import com.marketplace.gateway.outbox.OutboxPublisher;
import com.marketplace.gateway.outbox.OutboxRelay;
import com.marketplace.gateway.outbox.OutboxRow;
import com.marketplace.gateway.outbox.RelaySettings;
import com.marketplace.kafka.embedded.EmbeddedKafkaBroker;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains a backlog of PENDING outbox rows with one relay and compares it with a plain idempotent
 * {@code acks=all} producer sending the same records to the same broker in the same run.
 *
 * <p>Settings (system properties): {@code bench.dbUrl} [jdbc:mysql://127.0.0.1:3306/marketplace_bench],
 * {@code bench.dbUser} [root], {@code bench.dbPassword} [empty], {@code bench.events} [100000],
 * {@code bench.batchSize} [500], {@code bench.relays} [1] relays draining side by side,
 * {@code bench.warmupEvents} [20000] rows drained (then removed) before the measured drain,
 * {@code bench.producer.<setting>} producer settings for both producers (e.g.
 * {@code -Dbench.producer.compression.type=none}). The database is created when missing and its outbox emptied first.
 */
public final class RelayBenchmark {

    private static final Logger log = LoggerFactory.getLogger(RelayBenchmark.class);
    private static final String BASELINE_TOPIC = "bench.baseline";

    private RelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String dbUrl = System.getProperty("bench.dbUrl", "jdbc:mysql://127.0.0.1:3306/marketplace_bench");
        int events = Integer.getInteger("bench.events", 100_000);
        int batchSize = Integer.getInteger("bench.batchSize", 500);
        BenchDatabase.createIfMissing(dbUrl, System.getProperty("bench.dbUser", "root"),
                System.getProperty("bench.dbPassword", ""));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
                HikariDataSource db = DataSources.create(dbUrl, System.getProperty("bench.dbUser", "root"),
                        System.getProperty("bench.dbPassword", ""))) {
            broker.start();
            broker.createTopics(3, Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED, BASELINE_TOPIC);
            Migrations.migrate(db);
            Transactions tx = new Transactions(db);
            emptyOutbox(db);
            List<EventEnvelope> envelopes = envelopes(events);
            double baseline = baselineProducer(broker.bootstrapServers(), envelopes);
            int warmupEvents = Integer.getInteger("bench.warmupEvents", 20_000);
            if (warmupEvents > 0) {
                // like the producer's warm-up pass: the measured drain should not pay for the JIT
                log.info("Warm-up drain of {} rows", warmupEvents);
                drainWithRelay(tx, broker.bootstrapServers(), envelopes(warmupEvents), batchSize);
                emptyOutbox(db);
            }
            double relay = drainWithRelay(tx, broker.bootstrapServers(), envelopes, batchSize);
            log.info("RESULT events={} batchSize={} relay={} events/s baselineProducer={} events/s ratio={}",
                    events, batchSize, Math.round(relay), Math.round(baseline), String.format("%.2f", relay / baseline));
        }
    }

    static List<EventEnvelope> envelopes(int count) {
        List<EventEnvelope> list = new ArrayList<>(count);
        Instant now = Instant.now();
        for (int i = 1; i <= count; i++) {
            list.add(EventEnvelope.of(UUID.randomUUID(), now, new OrderCreated(i, "ORD-BENCH-" + i, 1000 + i % 977,
                    "buyer" + i + "@example.com", List.of(7L, 9L),
                    List.of(new OrderItem(10, 7, 2, new BigDecimal("1500.00")),
                            new OrderItem(11, 9, 1, new BigDecimal("99.90"))),
                    new BigDecimal("3099.90"), "KRW", OrderStatus.PENDING, now)));
        }
        return list;
    }

    private static double baselineProducer(String bootstrap, List<EventEnvelope> envelopes) {
        Properties base = producerOverrides();
        base.put("bootstrap.servers", bootstrap);
        base.put("client.id", "bench-baseline");
        List<OutboxRow> rows = asRows(envelopes);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                OutboxPublisher.producerProperties(base), new StringSerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(BASELINE_TOPIC);
            // The first pass warms up the JIT and the broker's log segments; the median of the
            // three measured passes is the baseline (a single sub-second pass varies several-fold).
            List<Double> measured = new ArrayList<>();
            for (String pass : List.of("warm-up", "measured", "measured", "measured")) {
                long start = System.nanoTime();
                for (OutboxRow row : rows) {
                    ProducerRecord<String, byte[]> r = OutboxPublisher.toRecord(row);
                    producer.send(new ProducerRecord<>(BASELINE_TOPIC, null, r.key(), r.value(), r.headers()));
                }
                producer.flush();
                double perSecond = rows.size() / seconds(start);
                log.info("Baseline idempotent acks=all producer ({}): {} records in {} s = {} records/s", pass,
                        rows.size(), String.format("%.2f", seconds(start)), Math.round(perSecond));
                if (pass.equals("measured")) {
                    measured.add(perSecond);
                }
            }
            measured.sort(null);
            return measured.get(measured.size() / 2);
        }
    }

    private static double drainWithRelay(Transactions tx, String bootstrap, List<EventEnvelope> envelopes,
            int batchSize) throws Exception {
        insertBacklog(tx, envelopes);
        Properties base = producerOverrides();
        base.put("bootstrap.servers", bootstrap);
        Clock clock = Clock.systemUTC();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OutboxMetrics metrics = new OutboxMetrics(registry, clock);
        List<OutboxRelay> relays = new ArrayList<>();
        for (int i = 0; i < Integer.getInteger("bench.relays", 1); i++) {
            relays.add(new OutboxRelay(tx, new JdbcOutboxRepository(), OutboxPublisher.create(base, clock),
                    RelaySettings.of("bench-relay-" + i, batchSize, Duration.ofSeconds(1), 10), metrics, clock));
        }
        Counter published = registry.get("outbox.published").counter();
        long start = System.nanoTime();
        relays.forEach(OutboxRelay::start);
        relays.forEach(OutboxRelay::eventsCommitted);
        while (published.count() < envelopes.size()) {
            Thread.sleep(5);
        }
        double elapsed = seconds(start);
        relays.forEach(OutboxRelay::close);
        double perSecond = envelopes.size() / elapsed;
        registry.find("outbox.round").timers().forEach(t -> log.info("Relay {} rounds: {} taking {} ms on average",
                t.getId().getTag("phase"), t.count(), String.format("%.1f", t.mean(TimeUnit.MILLISECONDS))));
        log.info("Relay drained {} PENDING rows in {} s = {} events/s", envelopes.size(),
                String.format("%.2f", elapsed), Math.round(perSecond));
        return perSecond;
    }

    private static void insertBacklog(Transactions tx, List<EventEnvelope> envelopes) throws SQLException {
        JdbcOutboxRepository repository = new JdbcOutboxRepository();
        long start = System.nanoTime();
        for (int from = 0; from < envelopes.size(); from += 1_000) {
            List<EventEnvelope> chunk = envelopes.subList(from, Math.min(from + 1_000, envelopes.size()));
            tx.inTransaction(conn -> {
                for (EventEnvelope e : chunk) {
                    repository.insert(conn, NewOutboxEvent.from(e));
                }
                return null;
            });
        }
        log.info("Backlog of {} PENDING rows written in {} s", envelopes.size(), String.format("%.1f", seconds(start)));
    }

    /** Producer settings given as {@code -Dbench.producer.<setting>=<value>}, for both producers. */
    private static Properties producerOverrides() {
        Properties props = new Properties();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("bench.producer."))
                .forEach(name -> props.put(name.substring("bench.producer.".length()), System.getProperty(name)));
        return props;
    }

    private static List<OutboxRow> asRows(List<EventEnvelope> envelopes) {
        List<OutboxRow> rows = new ArrayList<>(envelopes.size());
        long id = 0;
        for (EventEnvelope e : envelopes) {
            NewOutboxEvent n = NewOutboxEvent.from(e);
            rows.add(new OutboxRow(++id, n.eventId(), n.aggregateId(), n.eventType(), n.schemaVersion(),
                    n.envelopeJson(), 0, n.createdAt()));
        }
        return rows;
    }

    private static void emptyOutbox(HikariDataSource db) throws SQLException {
        try (Connection conn = db.getConnection(); Statement st = conn.createStatement()) {
            st.executeUpdate("TRUNCATE TABLE outbox_events");
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Creates the benchmark database on the server of {@code dbUrl} when it does not exist. */
    static final class BenchDatabase {
        static void createIfMissing(String dbUrl, String user, String password) throws SQLException {
            if (!dbUrl.startsWith("jdbc:mysql:")) {
                return;
            }
            int slash = dbUrl.indexOf('/', "jdbc:mysql://".length());
            String server = dbUrl.substring(0, slash + 1);
            String name = dbUrl.substring(slash + 1).split("[?;]")[0];
            try (Connection conn = java.sql.DriverManager.getConnection(server, user, password);
                    PreparedStatement ps = conn.prepareStatement("CREATE DATABASE IF NOT EXISTS `" + name + "`")) {
                ps.execute();
            }
        }
    }
}
