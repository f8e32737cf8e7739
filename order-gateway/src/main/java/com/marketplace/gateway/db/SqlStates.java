package com.marketplace.gateway.db;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/** Classifies {@link SQLException}s portably across MySQL/MariaDB and H2. */
public final class SqlStates {

    private SqlStates() {
    }

    /**
     * Whether the exception (or one it chains to) is an integrity-constraint violation: duplicate
     * key, foreign key, not-null. MySQL's driver throws {@link SQLIntegrityConstraintViolationException};
     * H2 throws other subclasses, so the SQLState class {@code 23} is checked as well.
     */
    public static boolean isIntegrityViolation(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (current instanceof SQLIntegrityConstraintViolationException) {
                return true;
            }
            String state = current.getSQLState();
            if (state != null && state.startsWith("23")) {
                return true;
            }
        }
        return false;
    }
}
