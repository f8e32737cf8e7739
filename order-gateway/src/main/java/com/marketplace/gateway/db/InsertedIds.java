package com.marketplace.gateway.db;

import com.mysql.cj.jdbc.StatementImpl;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The {@code AUTO_INCREMENT} id of the one row a statement has just inserted. Prepare the statement
 * with {@link Statement#RETURN_GENERATED_KEYS}.
 *
 * <p>JDBC's {@link Statement#getGeneratedKeys()} answers with a whole result set, and Connector/J
 * builds one even though the server's answer to the insert already carries the id: a result set
 * there sets up a value reader for every date and time type, each with a {@code Calendar} of its
 * own. For the outbox row every order inserts, that was half of the insert's CPU in the gateway's
 * profile. On Connector/J the id is therefore taken from the statement itself
 * ({@link StatementImpl#getLastInsertID()}, the base of its prepared statements); on other drivers (MariaDB
 * Connector/J, H2) it comes from {@code getGeneratedKeys}.
 */
public final class InsertedIds {

    private InsertedIds() {
    }

    /**
     * @param insert a statement that has just inserted exactly one row into a table with an
     *        {@code AUTO_INCREMENT} key
     * @throws SQLException when the driver reports no id
     */
    public static long of(PreparedStatement insert) throws SQLException {
        if (insert.isWrapperFor(StatementImpl.class)) {
            long id = insert.unwrap(StatementImpl.class).getLastInsertID();
            if (id <= 0) {
                throw new SQLException("the insert returned no generated id");
            }
            return id;
        }
        try (ResultSet keys = insert.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("the insert returned no generated id");
            }
            return keys.getLong(1);
        }
    }
}
