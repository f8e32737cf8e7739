package com.marketplace.gateway.order;

/**
 * Hands out order ids before the order's transaction starts, so the order row is written whole, id
 * and order number included, by one INSERT. Asked outside any transaction: a source that needs the
 * database takes its own pooled connection, and taking it inside the order's transaction (which
 * already holds one) could leave every request thread waiting on a drained pool.
 */
public interface OrderIds {

    /**
     * An id this source has not handed out before.
     *
     * @throws StorageException when no id can be obtained (the database is unreachable)
     */
    long next();

    /**
     * Tells the source that {@code orderId}, which it handed out, was already in use when the order
     * was inserted, so the ids it would hand out next are suspect as well.
     */
    void taken(long orderId);
}
