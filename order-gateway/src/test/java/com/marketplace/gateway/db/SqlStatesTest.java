package com.marketplace.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import org.junit.jupiter.api.Test;

/** How {@link SqlStates} reads the failures of the drivers in use. */
class SqlStatesTest {

    @Test
    void aDeadlockIsKnownByInnoDbsCodeOrTheStandardsStateWhereverItIsInTheChain() {
        // as MySQL's and MariaDB's drivers report it, as H2 does, and wrapped by the order store
        SQLException innoDb = new SQLTransactionRollbackException("Deadlock found", "40001", 1213);
        SQLException h2 = new SQLException("Deadlock detected", "40001", 40001);
        RuntimeException wrapped = new IllegalStateException("order insert failed", innoDb);
        SQLException chained = new SQLException("batch failed", "HY000", 0);
        chained.setNextException(innoDb);

        assertThat(SqlStates.isDeadlock(innoDb)).isTrue();
        assertThat(SqlStates.isDeadlock(new SQLException("Deadlock found", "HY000", 1213))).isTrue();
        assertThat(SqlStates.isDeadlock(h2)).isTrue();
        assertThat(SqlStates.isDeadlock(wrapped)).isTrue();
        assertThat(SqlStates.isDeadlock(chained)).isTrue();
    }

    @Test
    void aLockWaitTimeoutOrAnotherFailureIsNoDeadlock() {
        // MySQL Connector/J reports a lock wait timeout with the serialization failure's state too
        assertThat(SqlStates.isDeadlock(new SQLTransactionRollbackException("Lock wait timeout", "40001", 1205)))
                .isFalse();
        assertThat(SqlStates.isDeadlock(new SQLException("Lock wait timeout", "HY000", 1205))).isFalse();
        assertThat(SqlStates.isDeadlock(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
        assertThat(SqlStates.isDeadlock(new IllegalStateException("no SQL at all"))).isFalse();
        assertThat(SqlStates.isDeadlock(null)).isFalse();
    }

    @Test
    void aChainOfCausesThatLoopsBackEndsTheWalk() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(SqlStates.isDeadlock(first)).isFalse();
    }
}
