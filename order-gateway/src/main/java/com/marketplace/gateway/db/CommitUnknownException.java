package com.marketplace.gateway.db;

import java.sql.SQLException;

/**
 * The commit of a transaction failed on its way: the connection broke or timed out after the
 * {@code COMMIT} may have reached the database, so the transaction may have been applied. The
 * caller that must know reads its rows again on another connection.
 */
public final class CommitUnknownException extends SQLException {

    public CommitUnknownException(SQLException cause) {
        super("the commit's outcome is unknown: " + cause.getMessage(), cause.getSQLState(), cause.getErrorCode(),
                cause);
    }
}
