package com.marketplace.gateway.db;

import java.sql.SQLException;
import java.util.function.BiFunction;

/**
 * One JDBC call of a repository, run by a storage adapter that turns its checked failure into the
 * adapter's own unchecked exception (the order side's and the outbox side's differ).
 */
@FunctionalInterface
public interface SqlCall<T> {

    T call() throws SQLException;

    /**
     * Runs {@code call}; an {@link SQLException} becomes {@code failure.apply(what, e)}.
     *
     * @param what names the call in the failure's message, e.g. "order insert"
     */
    static <T> T run(String what, SqlCall<T> call, BiFunction<String, SQLException, ? extends RuntimeException> failure) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw failure.apply(what, e);
        }
    }
}
