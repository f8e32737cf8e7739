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
    /** The SQL standard's serialization failure: the transaction was rolled back (a deadlock). */
    private static final String SERIALIZATION_FAILURE = "40001";
    /** MySQL's and MariaDB's ER_LOCK_DEADLOCK. */
    private static final int MYSQL_DEADLOCK = 1213;
    /** MySQL's and MariaDB's ER_LOCK_WAIT_TIMEOUT, which MySQL Connector/J reports as {@code 40001} too. */
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    /** How many causes of a failure {@link #isDeadlock} looks at. */
    private static final int MAX_CAUSES = 16;

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
     * Whether {@code failure}, or an exception it was caused by, reports a transaction the database
     * rolled back whole to break a deadlock (InnoDB's ER_LOCK_DEADLOCK, H2's {@code 40001}), which
     * may simply be run again. A lock wait that timed out is not one: InnoDB rolls back only its
     * statement, and the wait has already taken its time.
     */
    public static boolean isDeadlock(Throwable failure) {
        // a bounded walk: a chain of causes may loop back on itself
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                for (SQLException current = sql; current != null; current = current.getNextException()) {
                    int code = current.getErrorCode();
                    if (code == MYSQL_DEADLOCK || SERIALIZATION_FAILURE.equals(current.getSQLState())
                            && code != MYSQL_LOCK_WAIT_TIMEOUT) {
                        return true;
                    }
                }
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
