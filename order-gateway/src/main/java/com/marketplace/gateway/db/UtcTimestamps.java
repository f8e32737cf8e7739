package com.marketplace.gateway.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code DATETIME(6)} columns hold UTC wall-clock time with microseconds. Values are bound as
 * {@code yyyy-MM-dd HH:mm:ss.SSSSSS} text in UTC and read through {@link LocalDateTime} in UTC, which
 * keeps them independent of the JVM's and the server's time zone (a {@link java.sql.Timestamp}
 * would be shifted by the driver's zone handling). Text is used because Connector/J takes MariaDB
 * 10.x's handshake version ({@code 5.5.5-10.x}) for a server without fractional seconds and
 * silently truncates bound temporal objects to whole seconds.
 */
public final class UtcTimestamps {

    private static final DateTimeFormatter SQL_DATETIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private UtcTimestamps() {
    }

    /** Binds the instant (microsecond precision, UTC), or SQL NULL for null. */
    public static void bind(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP);
        } else {
            ps.setString(index, SQL_DATETIME.format(instant));
        }
    }

    /** The instant in the column, or null when it is SQL NULL. */
    public static Instant read(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
