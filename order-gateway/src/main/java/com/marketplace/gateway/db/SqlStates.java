package com.marketplace.gateway.db;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/** Classifies {@link SQLException}s portably across MySQL/MariaDB and H2. */
public final class SqlStates {

    /** MySQL's and MariaDB's ER_DUP_ENTRY and ER_DUP_ENTRY_WITH_KEY_NAME. */
    private static final int MYSQL_DUPLICATE_ENTRY = 1062;
    private static final int MYSQL_DUPLICATE_ENTRY_WITH_KEY_NAME = 1586;
    /** The SQL standard's unique violation, which H2 reports. */
    private static final String UNIQUE_VIOLATION = "23505";

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

    /**
     * Whether the exception (or one it chains to) is a duplicate primary or unique key, and not
     * another integrity violation such as a foreign key or a NULL in a NOT NULL column. MySQL and
     * MariaDB report every integrity violation as SQLState {@code 23000} and tell them apart by
     * error code; H2 uses the standard's {@code 23505}.
     */
    public static boolean isDuplicateKey(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            String state = current.getSQLState();
            if (state == null || !state.startsWith("23")) {
                continue;
            }
            int code = current.getErrorCode();
            if (UNIQUE_VIOLATION.equals(state) || code == MYSQL_DUPLICATE_ENTRY
                    || code == MYSQL_DUPLICATE_ENTRY_WITH_KEY_NAME) {
                return true;
            }
        }
        return false;
    }
}
