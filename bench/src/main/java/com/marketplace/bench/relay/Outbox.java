package com.marketplace.bench.relay;

import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Outbox rows and topics for the relay scenarios. */
final class Outbox {

    private static final int WRITERS = 8;

    private Outbox() {
    }

    /** {@code count} OrderCreated envelopes of two-item orders. */
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

    /**
     * Writes PENDING rows with the gateway's repository, one transaction per row (a binlog reader
     * sees one transaction's events per row, but not the order and item rows an order's transaction
     * also writes), from 8 connections; rows are written in id order per connection.
     */
    static void insertBacklog(DataSource db, List<EventEnvelope> envelopes) throws Exception {
        Transactions tx = new Transactions(db);
        JdbcOutboxRepository repository = new JdbcOutboxRepository();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            int slice = (envelopes.size() + WRITERS - 1) / WRITERS;
            for (int w = 0; w < WRITERS; w++) {
                List<EventEnvelope> mine = envelopes.subList(Math.min(envelopes.size(), w * slice),
                        Math.min(envelopes.size(), (w + 1) * slice));
                done.add(writers.submit(() -> {
                    for (EventEnvelope e : mine) {
                        tx.inTransaction(conn -> {
                            repository.insert(conn, NewOutboxEvent.from(e));
                            return null;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }
    }

    /**
     * One marker row: already PROCESSED (the relay never sees it), payload {@code marker} (the
     * Debezium baseline publishes it only while recording its start offset), key 0.
     */
    static void insertMarker(DataSource db) throws SQLException {
        new Transactions(db).inTransaction(conn -> {
            try (PreparedStatement ps = conn.prepareStatement("""
                    INSERT INTO outbox_events (event_id, aggregate_type, aggregate_id, event_type, payload, status,
                        created_at, next_attempt_at) VALUES (?, 'Order', '0', 'Marker', 'marker', 'PROCESSED', NOW(6), NOW(6))""")) {
                ps.setString(1, UUID.randomUUID().toString());
                return ps.executeUpdate();
            }
        });
    }

    static void createTopics(String bootstrap, int partitions, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(list).all().get();
        }
    }
}
