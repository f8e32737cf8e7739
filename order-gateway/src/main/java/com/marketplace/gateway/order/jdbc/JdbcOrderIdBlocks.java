package com.marketplace.gateway.order.jdbc;

import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.order.OrderIds;
import com.marketplace.gateway.order.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OrderIds} in blocks from the {@code id_blocks} table (migration V5): one short transaction
 * takes the next {@code blockSize} ids under the series row's lock, and the ids are then handed out
 * from memory. Gateways sharing a database get disjoint blocks. A block starts at
 * {@code max(next_id, MAX(orders.id) + 1)}, skipping ids taken through the table's AUTO_INCREMENT.
 * The ids left in a block when the gateway stops are never used: order ids have gaps, as they
 * already had wherever an AUTO_INCREMENT insert was rolled back.
 *
 * <p>While an older gateway that still lets AUTO_INCREMENT number its orders shares the database (a
 * rolling upgrade), its inserts can land inside this gateway's block: each explicit id pushes the
 * counter just past itself. When one of ours then turns out to be taken, {@link #taken} abandons the
 * rest of the block and the next id comes from a fresh one. The older gateway's inserts never fail.
 */
public final class JdbcOrderIdBlocks implements OrderIds {

    /** Ids per block: one block transaction per this many orders; at most this many ids unused per stop. */
    public static final int DEFAULT_BLOCK_SIZE = 100;

    private static final Logger log = LoggerFactory.getLogger(JdbcOrderIdBlocks.class);

    private static final String SERIES = "orders";
    private static final String LOCK_SERIES = "SELECT next_id FROM id_blocks WHERE name = ? FOR UPDATE";
    private static final String LAST_ORDER_ID = "SELECT MAX(id) FROM orders";
    private static final String MOVE_SERIES = "UPDATE id_blocks SET next_id = ? WHERE name = ?";

    private final Transactions transactions;
    private final int blockSize;

    // the current block [blockStart, blockEnd), the next id of it to hand out (empty at first), and
    // the block being taken while one is; all guarded by this
    private long blockStart;
    private long blockEnd;
    private long next;
    private CompletableFuture<Void> refill;

    public JdbcOrderIdBlocks(Transactions transactions) {
        this(transactions, DEFAULT_BLOCK_SIZE);
    }

    /** @throws IllegalArgumentException when {@code blockSize} is not positive */
    public JdbcOrderIdBlocks(Transactions transactions, int blockSize) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be positive: " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /**
     * The next id of the block, taking a new block when it is used up. One caller takes it and the
     * others wait for that one's result instead of taking blocks of their own; none of them holds a
     * connection meanwhile (ids are asked for before the order's transaction). When the database
     * cannot be reached, every caller waiting then fails with the one attempt's error, after at most
     * one wait for a connection
     * ({@link com.marketplace.gateway.db.DataSources#CONNECTION_WAIT}), instead of queueing for an
     * attempt each.
     */
    @Override
    public long next() {
        while (true) {
            CompletableFuture<Void> pending;
            boolean mine = false;
            synchronized (this) {
                if (next < blockEnd) {
                    return next++;
                }
                if (refill == null) {
                    refill = new CompletableFuture<>();
                    mine = true;
                }
                pending = refill;
            }
            if (mine) {
                takeBlock(pending);
            }
            try {
                pending.join();
            } catch (CompletionException e) {
                throw new StorageException("no order id: taking a block of ids failed", e.getCause());
            }
        }
    }

    @Override
    public synchronized void taken(long orderId) {
        if (orderId >= blockStart && orderId < blockEnd && next < blockEnd) {
            log.debug("Order id {} was taken by another writer; abandoning ids {} to {}", orderId, next, blockEnd - 1);
            next = blockEnd;
        }
    }

    private void takeBlock(CompletableFuture<Void> pending) {
        try {
            long start = transactions.inTransaction(this::takeBlock);
            synchronized (this) {
                blockStart = start;
                blockEnd = start + blockSize;
                next = start;
                refill = null;
            }
            pending.complete(null);
        } catch (SQLException | RuntimeException | Error e) {
            // every failure ends the attempt, an Error too: the callers waiting for it would
            // otherwise wait forever, and so would every later one
            synchronized (this) {
                refill = null;
            }
            pending.completeExceptionally(e);
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private long takeBlock(Connection conn) throws SQLException {
        long nextId;
        try (PreparedStatement ps = conn.prepareStatement(LOCK_SERIES)) {
            ps.setString(1, SERIES);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("id_blocks has no row '" + SERIES + "' (is the schema migrated?)");
                }
                nextId = rs.getLong(1);
            }
        }
        long start = Math.max(nextId, lastOrderId(conn) + 1);
        try (PreparedStatement ps = conn.prepareStatement(MOVE_SERIES)) {
            ps.setLong(1, start + blockSize);
            ps.setString(2, SERIES);
            ps.executeUpdate();
        }
        return start;
    }

    private static long lastOrderId(Connection conn) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(LAST_ORDER_ID); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1); // 0 for SQL NULL: no orders yet
        }
    }
}
