package com.marketplace.gateway.outbox.jdbc;

import com.marketplace.gateway.db.InsertedIds;
import com.marketplace.gateway.db.UtcTimestamps;
import com.marketplace.gateway.outbox.FailedOutboxEvent;
import com.marketplace.gateway.outbox.NewOutboxEvent;
import com.marketplace.gateway.outbox.OutboxCounts;
import com.marketplace.gateway.outbox.OutboxHandoff;
import com.marketplace.gateway.outbox.OutboxRow;
import com.marketplace.gateway.outbox.OutboxStatus;
import com.marketplace.gateway.upkeep.CleanupPage;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * JDBC access to {@code outbox_events}, {@code outbox_claims} and {@code outbox_leases}. Every method
 * works on the caller's connection and transaction; none opens, commits or rolls back one. The
 * writing side is public: order transactions insert their events with {@link #insert} in the order's
 * own transaction. Everything the relay, its upkeep and the operator actions do goes through
 * {@link JdbcOutboxTransactions}, the {@link com.marketplace.gateway.outbox.OutboxStore} on JDBC.
 *
 * <p>Claiming follows three rules. Rows are selected by status and due time, never by an id
 * watermark, so a row whose transaction commits late is still picked up. A row is claimable only
 * while no earlier event of the same aggregate is unfinished (PENDING, held or FAILED), so events
 * of one order leave in outbox order whatever the number of relays. A relay holds a claimed batch
 * through one {@code outbox_claims} row (see {@link #claim}), and a row handed over at its commit
 * through a lease in the row ({@code claimed_by}, {@code claimed_until}); every later update is
 * fenced on that hold, so a relay whose hold ran out and was taken over cannot overwrite the newer
 * owner's work. A row nobody leases has {@code claimed_by = ''} and {@code claimed_until} at the
 * epoch; that is also how the rows of a claim look, and the updates of a claim's rows are fenced on
 * it, after the transaction has ended the claim ({@link #endClaim}).
 *
 * <p>Only PENDING rows ever carry a lease: the insert sets it on a PENDING row, and every move out
 * of PENDING (processed, failed, released) clears it. So {@code claimed_by = ?} fences an update of
 * a leased row, and the updates find their rows by primary key. A claim's rows are fenced on the
 * claim, and {@code processed_at} still at the epoch keeps their updates off a row a relay of the
 * version before claims (which does not see them) has marked meanwhile: re-opened, the event would
 * be sent again, or parked as FAILED though it was delivered. (With {@code status = 'PENDING'} in
 * those predicates the optimizer picks the status index instead, and since marking changes that
 * index's key it has to collect the rows in a temporary buffer first; {@code processed_at} is in no
 * index's first column.)
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

    private static final String SELECT_EVENT_OF_AGGREGATE = """
            SELECT 1 FROM outbox_events WHERE event_id = ? AND aggregate_type = ? AND aggregate_id = ?""";

    /**
     * How many id ranges of live claims the claim query leaves out; more claims than that are merged
     * into this many ranges (which also leaves out the rows between them, until the next round).
     */
    private static final int CLAIM_RANGE_SLOTS = 4;

    /**
     * An earlier event of row {@code o}'s order that is not PROCESSED yet: the head-of-order rule, as
     * the claim query and its second read after locking ({@link #SELECT_BEHIND_UNFINISHED}) both ask it.
     */
    private static final String EARLIER_UNFINISHED = """
            SELECT 1 FROM outbox_events e
                  WHERE e.aggregate_type = o.aggregate_type
                    AND e.aggregate_id = o.aggregate_id
                    AND e.id < o.id
                    AND e.status <> 'PROCESSED'""";

    private static final String SELECT_CLAIMABLE = """
            SELECT o.id, o.event_id, o.aggregate_id, o.event_type, o.schema_version, o.payload,
                   o.retry_count, o.created_at, o.claimed_by
            FROM outbox_events o
            WHERE o.status = 'PENDING'
              AND o.next_attempt_at <= ?
              AND o.claimed_until < ?
              AND NOT EXISTS (%s)
              %s
            ORDER BY o.id
            LIMIT ?
            FOR UPDATE SKIP LOCKED""".formatted(EARLIER_UNFINISHED,
                    String.join("\n              ", Collections.nCopies(CLAIM_RANGE_SLOTS, "AND o.id NOT BETWEEN ? AND ?")));

    /** Claims that ran out and that no other transaction holds right now (ending, renewing or taking them over). */
    private static final String SELECT_EXPIRED_CLAIMS =
            "SELECT id FROM outbox_claims WHERE lease_until < ? FOR UPDATE SKIP LOCKED";

    private static final String DELETE_CLAIMS = "DELETE FROM outbox_claims WHERE id IN (%s)";

    /** The id ranges of the committed claims, in id order. */
    private static final String SELECT_CLAIM_RANGES = "SELECT first_id, last_id FROM outbox_claims ORDER BY first_id";

    /** The committed claims whose ranges meet the id range [?, ?] (read after the rows are locked). */
    private static final String SELECT_CLAIM_RANGES_MEETING = """
            SELECT first_id, last_id FROM outbox_claims
            WHERE last_id >= ? AND first_id <= ?""";

    /**
     * Those of the locked rows [ids] whose order has an earlier event not PROCESSED yet. Read after
     * the rows are locked, in a statement of its own: see {@link #claim}.
     */
    private static final String SELECT_BEHIND_UNFINISHED = """
            SELECT o.id FROM outbox_events o
            WHERE o.id IN (%%s)
              AND EXISTS (%s)""".formatted(EARLIER_UNFINISHED);

    /** Clears the expired leases of rows a claim takes over (locked by the claim's transaction). */
    private static final String CLEAR_LEASES = """
            UPDATE outbox_events SET claimed_by = '', claimed_until = ?
            WHERE id IN (%s)""";

    private static final String INSERT_CLAIM = """
            INSERT INTO outbox_claims (relay_id, first_id, last_id, row_count, lease_until)
            VALUES (?, ?, ?, ?, ?)""";

    private static final String END_CLAIM = "DELETE FROM outbox_claims WHERE id = ? AND relay_id = ?";

    private static final String RENEW_CLAIMS = """
            UPDATE outbox_claims SET lease_until = ?
            WHERE relay_id = ? AND id IN (%s)""";

    private static final String SELECT_HELD_CLAIMS = "SELECT id FROM outbox_claims WHERE relay_id = ? AND id IN (%s)";

    private static final String LOCK_ROWS = "SELECT id FROM outbox_events WHERE id IN (%s) ORDER BY id FOR UPDATE";

    private static final String MARK_PROCESSED = """
            UPDATE outbox_events
            SET status = 'PROCESSED', processed_at = ?, claimed_by = '', claimed_until = ?
            WHERE claimed_by = ? AND processed_at = ? AND id IN (%s)""";

    private static final String RECORD_FAILURE = """
            UPDATE outbox_events
            SET status = ?, retry_count = retry_count + ?, next_attempt_at = ?, last_error = ?,
                claimed_by = '', claimed_until = ?
            WHERE claimed_by = ? AND processed_at = ? AND id = ?""";

    private static final String RENEW_LEASE = """
            UPDATE outbox_events SET claimed_until = ?
            WHERE claimed_by = ? AND id IN (%s)""";

    private static final String SELECT_HELD = "SELECT id FROM outbox_events WHERE claimed_by = ? AND id IN (%s)";

    private static final String RELEASE = """
            UPDATE outbox_events SET claimed_by = '', claimed_until = ?
            WHERE claimed_by = ? AND id IN (%s)""";

    /** PROCESSED rows after an id, in id order; the caller deletes those processed before the cutoff. */
    private static final String SELECT_PROCESSED_AFTER = """
            SELECT id, created_at, processed_at FROM outbox_events
            WHERE status = 'PROCESSED' AND id > ?
            ORDER BY id
            LIMIT ?""";

    private static final String DELETE_BY_IDS = "DELETE FROM outbox_events WHERE status = 'PROCESSED' AND id IN (%s)";

    /**
     * The texts {@link #withIdList} built, by template and padded list length: a dozen templates, each
     * in the few lengths of the relay's batches and the purge's windows.
     */
    private static final ConcurrentMap<IdList, String> ID_LIST_STATEMENTS = new ConcurrentHashMap<>();

    /** Answered from the {@code (status, id)} index alone, however long the backlog. */
    private static final String COUNT_UNFINISHED = """
            SELECT status, COUNT(*) AS n
            FROM outbox_events
            WHERE status IN ('PENDING', 'FAILED')
            GROUP BY status""";

    /**
     * The oldest PENDING row, by id, that no FAILED row of its order holds back: its age tells whether
     * the relays keep up. The rows behind a FAILED one wait for an operator, which {@code outbox_failed}
     * reports on its own. Read in id order from the {@code (status, id)} index, one row's look-up when
     * nothing is held back, instead of the creation time of every PENDING row.
     */
    private static final String SELECT_OLDEST_PENDING = """
            SELECT o.created_at FROM outbox_events o
            WHERE o.status = 'PENDING'
              AND NOT EXISTS (SELECT 1 FROM outbox_events f
                  WHERE f.aggregate_type = o.aggregate_type
                    AND f.aggregate_id = o.aggregate_id
                    AND f.id < o.id
                    AND f.status = 'FAILED')
            ORDER BY o.id
            LIMIT 1""";

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
    /** {@code processed_at} of a row not marked PROCESSED (never NULL; see migration V4). */
    private static final Instant NOT_PROCESSED = Instant.EPOCH;
    /** {@code next_attempt_at} of a new row: before any relay's clock. */
    private static final Instant DUE_AT_ONCE = Instant.EPOCH;
    /** {@code claimed_by} of a row nobody holds a lease on of its own. */
    private static final String NOBODY = "";

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
            // due at once, whatever the writer's clock said: a row due at its event's time waited for
            // a relay whose clock runs behind the writer's, and every later event of its order with it
            UtcTimestamps.bind(ps, 9, DUE_AT_ONCE);
            ps.setString(10, lease == null ? NOBODY : lease.relayId());
            UtcTimestamps.bind(ps, 11, lease == null ? NOT_LEASED : lease.until());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("outbox insert affected no row for event " + event.eventId());
            }
            return InsertedIds.of(ps);
        }
    }

    /** Whether the aggregate has the event {@code eventId} (in any status). */
    public boolean hasEvent(Connection conn, String aggregateType, String aggregateId, UUID eventId)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_EVENT_OF_AGGREGATE)) {
            ps.setString(1, eventId.toString());
            ps.setString(2, aggregateType);
            ps.setString(3, aggregateId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
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
     * Claims up to {@code limit} claimable rows in id order for {@code relayId} until
     * {@code leaseUntil}, skipping rows another transaction has locked. Call it in a short transaction
     * of its own and commit before publishing: no database lock is held across Kafka I/O.
     *
     * <p>The rows themselves are not written. They are locked, and one {@code outbox_claims} row
     * covering their ids is inserted; at commit the claim becomes visible as the rows' locks go, and
     * every later claim skips the rows inside a claim's range. Claims that ran out are deleted first,
     * which hands their rows to whichever relay claims next.
     *
     * <p>The claims' ranges are read first and left out of the claim query as id ranges
     * ({@code id NOT BETWEEN ? AND ?}), which the query answers from the index alone, without reading
     * the rows in flight (a correlated {@code NOT EXISTS} on {@code outbox_claims} made the query 3.5
     * times as dear with a thousand rows in flight). That read can miss a claim committed after it,
     * and the rows of that claim, whose locks went with its commit, could be locked here as well. The
     * locked rows are therefore checked once more, in a statement of its own: a claim that held any
     * of them had committed before its locks went, so that read sees it, and those rows are dropped.
     *
     * <p>The same holds for the head-of-order rule. The claim query's {@code NOT EXISTS} on an
     * order's earlier events is a plain read inside a locking one: under READ COMMITTED it sees the
     * snapshot taken when the statement began, while the locking scan sees rows committed since. An
     * order's next event commits only after its predecessor did (both take the order's row lock), so
     * a scan that began before both committed could lock the next event as claimable while the
     * snapshot does not yet show the predecessor it must wait for. The locked rows' predecessors are
     * therefore read again in a statement of its own, whose snapshot shows every predecessor of a
     * row already committed, and the rows behind an unfinished one are dropped (they stay PENDING
     * for a later round).
     *
     * @return the rows, each carrying the id of the claim; empty when none was claimable
     */
    List<OutboxRow> claim(Connection conn, String relayId, Instant now, Instant leaseUntil, int limit)
            throws SQLException {
        deleteExpiredClaims(conn, now);
        List<long[]> claimed = mergedTo(CLAIM_RANGE_SLOTS, claimRanges(conn));
        List<OutboxRow> rows = new ArrayList<>(limit);
        Set<Long> expiredLeases = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement(SELECT_CLAIMABLE)) {
            int index = 1;
            UtcTimestamps.bind(ps, index++, now);
            UtcTimestamps.bind(ps, index++, now);
            for (int slot = 0; slot < CLAIM_RANGE_SLOTS; slot++) {
                // an unused slot leaves out the empty range [0, -1]
                ps.setLong(index++, slot < claimed.size() ? claimed.get(slot)[0] : 0);
                ps.setLong(index++, slot < claimed.size() ? claimed.get(slot)[1] : -1);
            }
            ps.setInt(index, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OutboxRow row = mapRow(rs);
                    rows.add(row);
                    if (!rs.getString("claimed_by").isBlank()) {
                        expiredLeases.add(row.id());
                    }
                }
            }
        }
        if (rows.isEmpty()) {
            return rows;
        }
        List<OutboxRow> unclaimed = headsOfTheirOrders(conn, outsideClaims(conn, rows));
        if (unclaimed.isEmpty()) {
            return unclaimed;
        }
        clearExpiredLeases(conn, unclaimed, expiredLeases);
        long claimId = insertClaim(conn, relayId, unclaimed, leaseUntil);
        return unclaimed.stream().map(row -> row.withClaim(claimId)).toList();
    }

    /**
     * Clears the lease of those of the claimed {@code rows} that still carry one that ran out (handed
     * to a relay at commit that did not record them): a claim's rows are leased to nobody, and the
     * late relay's fenced updates then match nothing.
     */
    private static void clearExpiredLeases(Connection conn, List<OutboxRow> rows, Set<Long> expiredLeases)
            throws SQLException {
        List<Long> ids = rows.stream().map(OutboxRow::id).filter(expiredLeases::contains).toList();
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(CLEAR_LEASES, ids.size()))) {
            UtcTimestamps.bind(ps, 1, NOT_LEASED);
            bindIds(ps, 2, ids);
            ps.executeUpdate();
        }
    }

    /** Deletes claims that ran out and that no other transaction holds; their rows are claimable again. */
    private static void deleteExpiredClaims(Connection conn, Instant now) throws SQLException {
        List<Long> expired = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(SELECT_EXPIRED_CLAIMS)) {
            UtcTimestamps.bind(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    expired.add(rs.getLong(1));
                }
            }
        }
        if (!expired.isEmpty()) {
            try (PreparedStatement ps = conn.prepareStatement(withIdList(DELETE_CLAIMS, expired.size()))) {
                bindIds(ps, 1, expired);
                ps.executeUpdate();
            }
        }
    }

    /** The id ranges of the committed claims, in order of their first ids. */
    private static List<long[]> claimRanges(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(SELECT_CLAIM_RANGES)) {
            return ranges(ps);
        }
    }

    /** The (first id, last id) pairs a claims query returns. */
    private static List<long[]> ranges(PreparedStatement query) throws SQLException {
        List<long[]> ranges = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                ranges.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        return ranges;
    }

    /**
     * At most {@code slots} ranges covering all of {@code ranges} (in order of their first ids):
     * overlapping ones are joined, then the two with the smallest gap between them, until they fit.
     */
    static List<long[]> mergedTo(int slots, List<long[]> ranges) {
        List<long[]> merged = new ArrayList<>();
        for (long[] range : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(new long[] {range[0], range[1]});
            }
        }
        while (merged.size() > slots) {
            int closest = 0;
            for (int i = 1; i < merged.size() - 1; i++) {
                if (merged.get(i + 1)[0] - merged.get(i)[1] < merged.get(closest + 1)[0] - merged.get(closest)[1]) {
                    closest = i;
                }
            }
            merged.get(closest)[1] = merged.remove(closest + 1)[1];
        }
        return merged;
    }

    /** Those of the locked {@code rows} (in id order) that no committed claim covers. */
    private static List<OutboxRow> outsideClaims(Connection conn, List<OutboxRow> rows) throws SQLException {
        List<long[]> ranges;
        try (PreparedStatement ps = conn.prepareStatement(SELECT_CLAIM_RANGES_MEETING)) {
            ps.setLong(1, rows.get(0).id());
            ps.setLong(2, rows.get(rows.size() - 1).id());
            ranges = ranges(ps);
        }
        if (ranges.isEmpty()) {
            return rows;
        }
        return rows.stream()
                .filter(row -> ranges.stream().noneMatch(range -> range[0] <= row.id() && row.id() <= range[1]))
                .toList();
    }

    /** {@code rows} without those whose order has an earlier event not PROCESSED (read afresh). */
    private static List<OutboxRow> headsOfTheirOrders(Connection conn, List<OutboxRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return rows;
        }
        Set<Long> behind = new HashSet<>();
        try (PreparedStatement ps = conn.prepareStatement(withIdList(SELECT_BEHIND_UNFINISHED, rows.size()))) {
            bindIds(ps, 1, rows.stream().map(OutboxRow::id).toList());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    behind.add(rs.getLong(1));
                }
            }
        }
        return behind.isEmpty() ? rows : rows.stream().filter(row -> !behind.contains(row.id())).toList();
    }

    private static long insertClaim(Connection conn, String relayId, List<OutboxRow> rows, Instant leaseUntil)
            throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(INSERT_CLAIM, Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, relayId);
            ps.setLong(2, rows.get(0).id());
            ps.setLong(3, rows.get(rows.size() - 1).id());
            ps.setInt(4, rows.size());
            UtcTimestamps.bind(ps, 5, leaseUntil);
            ps.executeUpdate();
            return InsertedIds.of(ps);
        }
    }

    /**
     * Locks the rows {@code ids} until the transaction ends, in id order (see
     * {@link com.marketplace.gateway.outbox.OutboxStore#lockRows}).
     */
    void lockRows(Connection conn, Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(LOCK_ROWS, ids.size()))) {
            bindIds(ps, 1, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // the locks are the point; the ids are not needed
                }
            }
        }
    }

    /**
     * Ends {@code relayId}'s claim {@code claimId}, in the transaction that records its rows'
     * outcomes: from its commit on, no claim covers those rows.
     *
     * @return false when the claim is gone: it ran out and another relay took its rows over, so none
     *         of their outcomes may be recorded
     */
    boolean endClaim(Connection conn, String relayId, long claimId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(END_CLAIM)) {
            ps.setLong(1, claimId);
            ps.setString(2, relayId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Extends {@code relayId}'s claims {@code claimIds} to {@code leaseUntil}, those it still holds.
     *
     * @return how many claims were renewed
     */
    int renewClaims(Connection conn, String relayId, Collection<Long> claimIds, Instant leaseUntil)
            throws SQLException {
        return setLeaseEnd(conn, RENEW_CLAIMS, relayId, claimIds, leaseUntil);
    }

    /** Those of the claims {@code claimIds} that {@code relayId} holds now. */
    Set<Long> claimsHeldBy(Connection conn, String relayId, Collection<Long> claimIds) throws SQLException {
        return selectIds(conn, SELECT_HELD_CLAIMS, relayId, claimIds);
    }

    /**
     * Marks rows PROCESSED if they are still {@code relayId}'s: leased to it, or held through a claim
     * of its that the caller has ended in this transaction ({@link #endClaim}).
     *
     * @return how many rows were marked; fewer than asked means the others were fenced off
     */
    int markProcessed(Connection conn, String relayId, Collection<OutboxRow> rows, Instant now) throws SQLException {
        int marked = 0;
        for (Map.Entry<String, List<Long>> byHolder : idsByHolder(relayId, rows).entrySet()) {
            try (PreparedStatement ps = conn.prepareStatement(withIdList(MARK_PROCESSED, byHolder.getValue().size()))) {
                UtcTimestamps.bind(ps, 1, now);
                UtcTimestamps.bind(ps, 2, NOT_LEASED);
                ps.setString(3, byHolder.getKey());
                UtcTimestamps.bind(ps, 4, NOT_PROCESSED);
                bindIds(ps, 5, byHolder.getValue());
                marked += ps.executeUpdate();
            }
        }
        return marked;
    }

    /**
     * Records a failed attempt of a row that is still {@code relayId}'s (see {@link #markProcessed}):
     * the retry count goes up when the attempt {@code counts}, the lease is released, and the row
     * either waits until {@code nextAttemptAt} (PENDING) or is parked (FAILED).
     *
     * @return whether the row was still this relay's to update
     */
    boolean recordFailure(Connection conn, String relayId, OutboxRow row, OutboxStatus newStatus,
            Instant nextAttemptAt, String error, boolean counts) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(RECORD_FAILURE)) {
            ps.setString(1, newStatus.name());
            ps.setInt(2, counts ? 1 : 0);
            UtcTimestamps.bind(ps, 3, nextAttemptAt);
            ps.setString(4, truncate(error));
            UtcTimestamps.bind(ps, 5, NOT_LEASED);
            ps.setString(6, holder(relayId, row));
            UtcTimestamps.bind(ps, 7, NOT_PROCESSED);
            ps.setLong(8, row.id());
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
        return setLeaseEnd(conn, RENEW_LEASE, relayId, ids, leaseUntil);
    }

    /**
     * Sets the lease end of what {@code relayId} holds among {@code ids}: a renewal ({@link #RENEW_LEASE},
     * {@link #RENEW_CLAIMS}) or a release ({@link #RELEASE}, to {@link #NOT_LEASED}). The statement takes
     * the lease end, the relay id and an IN list of the ids.
     *
     * @return how many rows it updated
     */
    private static int setLeaseEnd(Connection conn, String sqlTemplate, String relayId, Collection<Long> ids,
            Instant leaseUntil) throws SQLException {
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(sqlTemplate, ids.size()))) {
            UtcTimestamps.bind(ps, 1, leaseUntil);
            ps.setString(2, relayId);
            bindIds(ps, 3, ids);
            return ps.executeUpdate();
        }
    }

    /** Those of the rows {@code ids} that are leased to {@code relayId} now. */
    Set<Long> heldBy(Connection conn, String relayId, Collection<Long> ids) throws SQLException {
        return selectIds(conn, SELECT_HELD, relayId, ids);
    }

    /** The ids a query of one relay id and an IN list of {@code ids} returns. */
    private static Set<Long> selectIds(Connection conn, String sqlTemplate, String relayId, Collection<Long> ids)
            throws SQLException {
        Set<Long> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = conn.prepareStatement(withIdList(sqlTemplate, ids.size()))) {
            ps.setString(1, relayId);
            bindIds(ps, 2, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getLong(1));
                }
            }
        }
        return found;
    }

    /**
     * Gives up {@code relayId}'s hold on rows it will not publish, so they are claimable at once. Rows
     * held through a claim the caller has ended in this transaction are free already.
     *
     * @return how many rows were released; fewer than asked means the others were fenced off
     */
    int release(Connection conn, String relayId, Collection<OutboxRow> rows) throws SQLException {
        List<Long> leased = rows.stream().filter(row -> !row.claimed()).map(OutboxRow::id).toList();
        int released = rows.size() - leased.size();
        return released + setLeaseEnd(conn, RELEASE, relayId, leased, NOT_LEASED);
    }

    /**
     * The {@code claimed_by} a row of {@code relayId}'s has: the relay's id when the row is leased to
     * it, '' (leased to nobody) when it is held through a claim.
     */
    private static String holder(String relayId, OutboxRow row) {
        return row.claimed() ? NOBODY : relayId;
    }

    /** The ids of {@code rows} by the {@code claimed_by} they have ({@link #holder}), in the rows' order. */
    private static Map<String, List<Long>> idsByHolder(String relayId, Collection<OutboxRow> rows) {
        Map<String, List<Long>> byHolder = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            byHolder.computeIfAbsent(holder(relayId, row), holder -> new ArrayList<>()).add(row.id());
        }
        return byHolder;
    }

    /**
     * One page of cleanup: reads up to {@code window} PROCESSED rows with an id above
     * {@code afterId}, in id order, and deletes those processed before {@code cutoff}.
     *
     * <p>Walking the (status, id) index this way finds expired rows without an index on
     * {@code processed_at}, which marking would otherwise have to update for every row. Rows are
     * processed roughly in id order, so expired ones come first; a row processed late (retried after
     * FAILED) is stepped over and kept until it expires itself. The walk stops at a row created after
     * the cutoff ({@link CleanupPage#more()} is false): later rows were created about as late (ids
     * follow insertion; {@code created_at} is the event's time on its gateway's clock), and no row is
     * processed before it is created, so few if any of them have expired. One that has, because its
     * gateway's clock ran behind, is deleted by a later run, once the rows around it have expired.
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

    /**
     * Counts PENDING and FAILED rows and finds the creation time of the oldest PENDING one that no
     * FAILED row holds back.
     */
    OutboxCounts counts(Connection conn) throws SQLException {
        long pending = 0;
        long failed = 0;
        try (PreparedStatement ps = conn.prepareStatement(COUNT_UNFINISHED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (OutboxStatus.PENDING.name().equals(rs.getString("status"))) {
                    pending = rs.getLong("n");
                } else {
                    failed = rs.getLong("n");
                }
            }
        }
        Instant oldestPending = null;
        if (pending > 0) {
            try (PreparedStatement ps = conn.prepareStatement(SELECT_OLDEST_PENDING);
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    oldestPending = UtcTimestamps.read(rs, "created_at");
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
     * Puts a FAILED row back to PENDING with a fresh attempt budget, due at once (whatever the
     * clocks of the gateway asking and of the relays).
     *
     * @return false when no FAILED row has that eventId
     */
    boolean retryFailed(Connection conn, UUID eventId) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(RETRY_FAILED)) {
            UtcTimestamps.bind(ps, 1, DUE_AT_ONCE);
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
                UtcTimestamps.read(rs, "created_at"),
                OutboxRow.LEASED);
    }

    /**
     * The statement with an IN list for {@code count} ids, of {@link #paddedLength(int)} placeholders.
     * The lists come in a few lengths (1, 2, 4, … 512, …) instead of one per batch size, so there are
     * few distinct statement texts: each is a server-side prepared statement kept per connection
     * ({@code DataSources}), and one per batch size would fill the server's statement limit
     * ({@code max_prepared_stmt_count}) with gateways enough. Each text is built once and kept
     * ({@link #ID_LIST_STATEMENTS}), so the relay's rounds format no SQL.
     */
    static String withIdList(String sqlTemplate, int count) {
        return ID_LIST_STATEMENTS.computeIfAbsent(new IdList(sqlTemplate, paddedLength(count)),
                list -> list.template().formatted(String.join(", ", Collections.nCopies(list.length(), "?"))));
    }

    /** A statement template with an IN list of {@code length} placeholders. */
    private record IdList(String template, int length) {
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
