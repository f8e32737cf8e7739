package com.marketplace.gateway.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code DATETIME(6)} columns hold UTC wall-clock time. Binding and reading through
 * {@link LocalDateTime} in UTC keeps values independent of the JVM's and the server's time zone
 * (a {@link java.sql.Timestamp} would be shifted by the driver's zone handling).
 */
public final class UtcTimestamps {

    private UtcTimestamps() {
    }

    public static void bind(PreparedStatement ps, int index, Instant instant) throws SQLException {
        ps.setObject(index, instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    /** The instant in the column, or null when it is SQL NULL. */
    public static Instant read(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
