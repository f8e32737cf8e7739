package com.marketplace.gateway.outbox.jdbc;

import com.marketplace.gateway.db.InsertedIds;
import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.outbox.FailedOutboxEvent;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.OutboxCounts;
import com.marketplace.gateway.outbox.OutboxHandoff;
import com.marketplace.gateway.outbox.OutboxRow;
import com.marketplace.gateway.outbox.OutboxStatus;
import com.marketplace.gateway.outbox.OutboxStore.CleanupPage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * JDBC access to {@code outbox_events} and {@code outbox_leases}. Every method works on the
 * caller's connection and transaction; none opens, commits or rolls back one. The writing side is
 * public: order transactions insert their events with {@link #insert} in the order's own
 * transaction. Everything the relay, its upkeep and the operator actions do goes through
 * {@link JdbcOutboxTransactions}, the {@link com.marketplace.gateway.outbox.OutboxStore} on JDBC.
 *
 * <p>Claiming follows three rules. Rows are selected by status and due time, never by an id
 * watermark, so a row whose transaction commits late is still picked up. A row is claimable only
 * while no earlier event of the same aggregate is unfinished (PENDING, leased or FAILED), so
 * events of one order leave in outbox order whatever the number of relays. A claim is a lease
 * ({@code claimed_by}, {@code claimed_until}); every later update of the row is fenced on
 * {@code claimed_by}, so a relay whose lease expired and was re-claimed cannot overwrite the
 * newer owner's work. A row nobody holds has {@code claimed_by = ''} and {@code claimed_until} at
 * the epoch.
 *
 * <p>Only PENDING rows ever carry a lease: claiming sets it on rows it has just locked as PENDING,
 * and every move out of PENDING (processed, failed, released) clears it. So {@code claimed_by = ?}
 * alone fences an update, and the updates find their rows by primary key. (With
 * {@code status = 'PENDING'} in those predicates the optimizer picks the status index instead, and
 * since marking changes that index's key it has to collect the rows in a temporary buffer first.)
 */
public final class JdbcOutboxRepository {

    private static final String INSERT = """
            INSERT INTO outbox_events
                (event_id, aggregate_type, aggregate_id, event_type, schema_version, payload, status,
                 created_at, retry_count, next_attempt_at, claimed_by, claimed_until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)""";

    /** Whether an order has an event that is not PROCESSED yet (walks the aggregate index). */
    private static final String SELECT_UNFINISHED_OF_AGGREGATE = """
            SELECT 1 FROM outbox_events
            WHERE aggregate_type = ? AND aggregate_id = ? AND status <> 'PROCESSED'
            LIMIT 1""";

    private static final String SELECT_CLAIMABLE = """
            SELECT o.id, o.event_id, o.aggregate_id, o.event_type, o.schema_version, o.payload,
                   o.retry_count, o.created_at
            FROM outbox_events o
            WHERE o.status = 'PENDING'
              AND o.next_attempt_at <= ?
              AND o.claimed_until < ?
              AND NOT EXISTS (
                  SELECT 1 FROM outbox_events e
                  WHERE e.aggregate_type = o.aggregate_type
                    AND e.aggregate_id = o.aggregate_id
                    AND e.id < o.id
                    AND e.status <> 'PROCESSED')
            ORDER BY o.id
            LIMIT ?
            FOR UPDATE SKIP LOCKED""";

    private static final String SET_LEASE = """
            UPDATE outbox_events SET claimed_by = ?, claimed_until = ?
            WHERE id IN (%s)""";

    private static final String MARK_PROCESSED = """
            UPDATE outbox_events
            SET status = 'PROCESSED', processed_at = ?, claimed_by = '', claimed_until = ?
            WHERE claimed_by = ? AND id IN (%s)""";

    private static final String RECORD_FAILURE = """
            UPDATE outbox_events
            SET status = ?, retry_count = retry_count + 1, next_attempt_at = ?, last_error = ?,
                claimed_by = '', claimed_until = ?
            WHERE claimed_by = ? AND id = ?""";

    private static final String RENEW_LEASE = """
            UPDATE outbox_events SET claimed_until = ?
            WHERE claimed_by = ? AND id IN (%s)""";

    private static final String SELECT_HELD = "SELECT id FROM outbox_events WHERE claimed_by = ? AND id IN (%s)";

    private static final String RELEASE = """
            UPDATE outbox_events SET claimed_by = '', claimed_until = ?
            WHERE claimed_by = ? AND id IN (%s)""";

    /** PROCESSED rows after an id, in id order; the caller keeps those processed before the cutoff. */
    private static final String SELECT_PROCESSED_AFTER = """
            SELECT id, created_at, processed_at FROM outbox_events
            WHERE status = 'PROCESSED' AND id > ?
            ORDER BY id
            LIMIT ?""";

    private static final String DELETE_BY_IDS = "DELETE FROM outbox_events WHERE status = 'PROCESSED' AND id IN (%s)";

    private static final String COUNT_UNFINISHED = """
            SELECT status, COUNT(*) AS n, MIN(created_at) AS oldest
            FROM outbox_events
            WHERE status IN ('PENDING', 'FAILED')
            GROUP BY status""";

    private static final String SELECT_FAILED = """
            SELECT event_id, aggregate_type, aggregate_id, event_type, retry_count, last_error, created_at
            FROM outbox_events
            WHERE status = 'FAILED'
            ORDER BY id
            LIMIT ?""";

    private static final String RETRY_FAILED = """
            UPDATE outbox_events
            SET status = 'PENDING', retry_count = 0, next_attempt_at = ?, claimed_by = '', claimed_until = ?
            WHERE status = 'FAILED' AND event_id = ?""";

    private static final String ACQUIRE_LEASE = """
            UPDATE outbox_leases SET owner = ?, lease_until = ?
            WHERE name = ? AND (lease_until < ? OR owner = ?)""";

    private static final int MAX_ERROR_LENGTH = 1000;
    /** {@code claimed_until} of a row nobody holds (the columns are never NULL; see migration V3). */
    private static final Instant NOT_LEASED = Instant.EPOCH;

    /**
     * Inserts a PENDING row, due at once and not leased, in the caller's transaction.
     *
     * @throws SQLException an integrity violation when the eventId already exists
     */
    public void insert(Connection conn, NewOutboxEvent event) throws SQLException {
        insert(conn, event, null);
    }

    /**
     * Inserts a PENDING row, due at once, in the caller's transaction; with a lease it is written
     * already leased to that relay (see {@link OutboxHandoff}).
     *
     * @param lease the relay's lease, or null for a row any relay may claim
     * @return the row's id
     * @throws SQLException an integrity violation when the eventId already exists
     */
    public long insert(Connection conn, NewOutboxEvent event, OutboxHandoff.Lease lease) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, event.eventId().toString());
            ps.setString(2, event.aggregateType());
            ps.setString(3, event.aggregateId());
            ps.setString(4, event.eventType());
            ps.setInt(5, event.schemaVersion());
            ps.setString(6, event.envelopeJson());
            ps.setString(7, OutboxStatus.PENDING.name());
            UtcTimestamps.bind(ps, 8, event.createdAt());
            UtcTimestamps.bind(ps, 9, event.createdAt());
            ps.setString(10, lease == null ? "" : lease.relayId());
            UtcTimestamps.bind(ps, 11, lease == null ? NOT_LEASED : lease.until());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("outbox insert affected no row for event " + event.eventId());
            }
            return InsertedIds.of(ps);
        }
    }

    /** Whether the aggregate has an event that is not PROCESSED (PENDING, leased or FAILED). */
    public boolean hasUnfinished(Connection conn, String aggregateType, String aggregateId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_UNFINISHED_OF_AGGREGATE)) {
            ps.setString(1, aggregateType);
            ps.setString(2, aggregateId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Selects up to {@code limit} claimable rows in id order, skipping rows another transaction
     * has locked, and leases them to {@code relayId} until {@code leaseUntil}. Call it in a short
     * transaction of its own and commit before publishing: no database lock is held across Kafka I/O.
     */
    List<OutboxRow> claim(Connection conn, String relayId, Instant now, Instant leaseUntil, int limit)
            throws SQLException {
        List<OutboxRow> rows = new ArrayList<>(limit);
        try (PreparedStatement ps = conn.prepareStatement(SELECT_CLAIMABLE)) {
            UtcTimestamps.bind(ps, 1, now);
            UtcTimestamps.bind(ps, 2, now);
            ps.setInt(3, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(mapRow(rs));
                }
            }
        }
        if (!rows.isEmpty()) {
            setLease(conn, relayId, leaseUntil, rows);
        }
        return rows;
    }

    private static void setLease(Connection conn, String relayId, Instant leaseUntil, List<OutboxRow> rows)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(withIdList(SET_LEASE, rows.size()))) {
            ps.setString(1, relayId);
            UtcTimestamps.bind(ps, 2, leaseUntil);
            bindIds(ps, 3, rows.stream().map(OutboxRow::id).toList());
            int updated = ps.executeUpdate();
            if (updated != rows.size()) {
                throw new SQLException("leased " + updated + " of " + rows.size() + " locked outbox rows");
            }
        }
    }

    /**
     * Marks rows PROCESSED if they are still PENDING and leased to {@code relayId}.
     *
     * @return how many rows were marked; fewer than asked means the others were fenced off
     */
    int markProcessed(Connection conn, String relayId, Collection<Long> ids, Instant now) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(MARK_PROCESSED, ids.size()))) {
            UtcTimestamps.bind(ps, 1, now);
            UtcTimestamps.bind(ps, 2, NOT_LEASED);
            ps.setString(3, relayId);
            bindIds(ps, 4, ids);
            return ps.executeUpdate();
        }
    }

    /**
     * Records a failed attempt of a row leased to {@code relayId}: the retry count goes up, the
     * lease is released, and the row either waits until {@code nextAttemptAt} (PENDING) or is
     * parked (FAILED).
     *
     * @return whether the row was still this relay's to update
     */
    boolean recordFailure(Connection conn, String relayId, long id, OutboxStatus newStatus,
            Instant nextAttemptAt, String error) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(RECORD_FAILURE)) {
            ps.setString(1, newStatus.name());
            UtcTimestamps.bind(ps, 2, nextAttemptAt);
            ps.setString(3, truncate(error));
            UtcTimestamps.bind(ps, 4, NOT_LEASED);
            ps.setString(5, relayId);
            ps.setLong(6, id);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Extends {@code relayId}'s lease on the rows {@code ids} to {@code leaseUntil}, on those it
     * still holds; rows another relay has re-claimed, or that have left PENDING, are not touched.
     *
     * @return how many rows were renewed
     */
    int renewLease(Connection conn, String relayId, Collection<Long> ids, Instant leaseUntil)
            throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(RENEW_LEASE, ids.size()))) {
            UtcTimestamps.bind(ps, 1, leaseUntil);
            ps.setString(2, relayId);
            bindIds(ps, 3, ids);
            return ps.executeUpdate();
        }
    }

    /** Those of the rows {@code ids} that are leased to {@code relayId} now. */
    Set<Long> heldBy(Connection conn, String relayId, Collection<Long> ids) throws SQLException {
        Set<Long> held = new HashSet<>();
        if (ids.isEmpty()) {
            return held;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(SELECT_HELD, ids.size()))) {
            ps.setString(1, relayId);
            bindIds(ps, 2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.add(rs.getLong(1));
                }
            }
        }
        return held;
    }

    /** Gives up {@code relayId}'s lease on rows it will not publish, so they are claimable at once. */
    int release(Connection conn, String relayId, Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(RELEASE, ids.size()))) {
            UtcTimestamps.bind(ps, 1, NOT_LEASED);
            ps.setString(2, relayId);
            bindIds(ps, 3, ids);
            return ps.executeUpdate();
        }
    }

    /**
     * One page of cleanup: reads up to {@code window} PROCESSED rows with an id above
     * {@code afterId}, in id order, and deletes those processed before {@code cutoff}.
     *
     * <p>Walking the (status, id) index this way finds expired rows without an index on
     * {@code processed_at}, which marking would otherwise have to update for every row. Rows are
     * processed roughly in id order, so expired ones come first; a row processed late (retried after
     * FAILED) is stepped over and kept until it expires itself. The walk can stop at a row created
     * after the cutoff: every later row was created later still, and no row is processed before it
     * is created, so none of them has expired ({@link CleanupPage#more()} is false).
     */
    CleanupPage deleteProcessedBefore(Connection conn, Instant cutoff, long afterId, int window)
            throws SQLException {
        List<Long> expired = new ArrayList<>();
        int read = 0;
        long lastId = afterId;
        boolean lastCreatedBeforeCutoff = false;
        try (PreparedStatement ps = conn.prepareStatement(SELECT_PROCESSED_AFTER)) {
            ps.setLong(1, afterId);
            ps.setInt(2, window);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    read++;
                    lastId = rs.getLong("id");
                    lastCreatedBeforeCutoff = UtcTimestamps.read(rs, "created_at").isBefore(cutoff);
                    if (UtcTimestamps.read(rs, "processed_at").isBefore(cutoff)) {
                        expired.add(lastId);
                    }
                }
            }
        }
        int deleted = 0;
        if (!expired.isEmpty()) {
            try (PreparedStatement ps = conn.prepareStatement(withIdList(DELETE_BY_IDS, expired.size()))) {
                bindIds(ps, 1, expired);
                deleted = ps.executeUpdate();
            }
        }
        return new CleanupPage(deleted, lastId, read == window && lastCreatedBeforeCutoff);
    }

    /** Counts PENDING and FAILED rows and finds the creation time of the oldest PENDING one. */
    OutboxCounts counts(Connection conn) throws SQLException {
        long pending = 0;
        long failed = 0;
        Instant oldestPending = null;
        try (PreparedStatement ps = conn.prepareStatement(COUNT_UNFINISHED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (OutboxStatus.PENDING.name().equals(rs.getString("status"))) {
                    pending = rs.getLong("n");
                    oldestPending = UtcTimestamps.read(rs, "oldest");
                } else {
                    failed = rs.getLong("n");
                }
            }
        }
        return new OutboxCounts(pending, failed, oldestPending);
    }

    /** The oldest FAILED rows, at most {@code limit}. */
    List<FailedOutboxEvent> findFailed(Connection conn, int limit) throws SQLException {
        List<FailedOutboxEvent> failed = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(SELECT_FAILED)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    failed.add(new FailedOutboxEvent(
                            UUID.fromString(rs.getString("event_id")),
                            rs.getString("aggregate_type"),
                            rs.getString("aggregate_id"),
                            rs.getString("event_type"),
                            rs.getInt("retry_count"),
                            rs.getString("last_error"),
                            UtcTimestamps.read(rs, "created_at")));
                }
            }
        }
        return failed;
    }

    /**
     * Puts a FAILED row back to PENDING with a fresh attempt budget, due at {@code now}.
     *
     * @return false when no FAILED row has that eventId
     */
    boolean retryFailed(Connection conn, UUID eventId, Instant now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(RETRY_FAILED)) {
            UtcTimestamps.bind(ps, 1, now);
            UtcTimestamps.bind(ps, 2, NOT_LEASED);
            ps.setString(3, eventId.toString());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Takes or renews the named lease for {@code owner} until {@code until}, if it is free,
     * expired or already {@code owner}'s.
     *
     * @return whether {@code owner} holds the lease now
     */
    boolean acquireLease(Connection conn, String name, String owner, Instant now, Instant until)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(ACQUIRE_LEASE)) {
            ps.setString(1, owner);
            UtcTimestamps.bind(ps, 2, until);
            ps.setString(3, name);
            UtcTimestamps.bind(ps, 4, now);
            ps.setString(5, owner);
            return ps.executeUpdate() == 1;
        }
    }

    /** The status of the row with this eventId, if there is one. */
    Optional<OutboxStatus> statusOf(Connection conn, UUID eventId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT status FROM outbox_events WHERE event_id = ?")) {
            ps.setString(1, eventId.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(OutboxStatus.valueOf(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private static OutboxRow mapRow(ResultSet rs) throws SQLException {
        return new OutboxRow(
                rs.getLong("id"),
                UUID.fromString(rs.getString("event_id")),
                rs.getString("aggregate_id"),
                rs.getString("event_type"),
                rs.getInt("schema_version"),
                rs.getString("payload"),
                rs.getInt("retry_count"),
                UtcTimestamps.read(rs, "created_at"));
    }

    /**
     * The statement with an IN list for {@code count} ids, of {@link #paddedLength(int)} placeholders.
     * The lists come in a few lengths (1, 2, 4, … 512, …) instead of one per batch size, so there are
     * few distinct statement texts: each is a server-side prepared statement kept per connection
     * ({@code DataSources}), and one per batch size would fill the server's statement limit
     * ({@code max_prepared_stmt_count}) with gateways enough.
     */
    private static String withIdList(String sqlTemplate, int count) {
        return sqlTemplate.formatted(String.join(", ", Collections.nCopies(paddedLength(count), "?")));
    }

    /** The next power of two from {@code count} on. */
    static int paddedLength(int count) {
        return count <= 1 ? count : Integer.highestOneBit(count - 1) << 1;
    }

    /**
     * Binds the ids of an IN list made by {@link #withIdList}, the last id repeated in the padding
     * (which changes neither the rows matched nor the update counts).
     */
    private static void bindIds(PreparedStatement ps, int firstIndex, Collection<Long> ids) throws SQLException {
        int index = firstIndex;
        long last = 0;
        for (long id : ids) {
            ps.setLong(index++, id);
            last = id;
        }
        for (int padding = paddedLength(ids.size()) - ids.size(); padding > 0; padding--) {
            ps.setLong(index++, last);
        }
    }

    private static String truncate(String error) {
        if (error == null || error.length() <= MAX_ERROR_LENGTH) {
            return error;
        }
        return error.substring(0, MAX_ERROR_LENGTH);
    }
}
