package com.marketplace.gateway.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work done inside one transaction on the given connection. The callback must not commit, roll
 * back or close the connection; {@link Transactions} does that.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface TransactionCallback<T> {

    T doInTransaction(Connection conn) throws SQLException;
}
