package com.marketplace.bench.relay;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.harness.MariaDbServer;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * Records where in the binlog the Debezium baseline starts: an engine with {@code snapshot.mode=no_data}
 * and fresh state reads no rows, then streams; marker rows are inserted until it has published one,
 * and it stops with its offset (and the table's schema history) saved. An engine started later on
 * the same state reads everything written after the marker from the binlog.
 */
final class DebeziumOffsets {

    private DebeziumOffsets() {
    }

    static DebeziumProcess.State record(BenchEnvironment env, Path dir, MariaDbServer server, String database,
            DataSource db, String bootstrap, String topic) throws Exception {
        DebeziumProcess.State state = DebeziumProcess.State.in(dir);
        try (DebeziumProcess engine = DebeziumProcess.start(env, dir, "debezium-offset", server, database, bootstrap,
                topic, state, 100, 1, 0, true)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!engine.hasResult()) {
                if (!engine.process().isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Debezium did not start streaming; see " + engine.process().logFile());
                }
                Outbox.insertMarker(db);
                Thread.sleep(500);
            }
            engine.process().stop(Duration.ofSeconds(60));
        }
        return state;
    }
}
