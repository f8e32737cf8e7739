package com.marketplace.gateway.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@code DATETIME(6)} columns hold UTC wall-clock time with microseconds. Values are bound as
 * {@code yyyy-MM-dd HH:mm:ss.SSSSSS} text in UTC and read through {@link LocalDateTime} in UTC, which
 * keeps them independent of the JVM's and the server's time zone (a {@link java.sql.Timestamp}
 * would be shifted by the driver's zone handling). Text is used because Connector/J takes MariaDB
 * 10.x's handshake version ({@code 5.5.5-10.x}) for a server without fractional seconds and
 * silently truncates bound temporal objects to whole seconds. The text is written field by field:
 * an order binds several timestamps, and a {@code DateTimeFormatter} took ~2.5 % of the gateway's
 * request threads in a profile of the gateway benchmark.
 */
public final class UtcTimestamps {

    private UtcTimestamps() {
    }

    /** Binds the instant (microsecond precision, UTC), or SQL NULL for null. */
    public static void bind(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP);
        } else {
            ps.setString(index, text(instant));
        }
    }

    /** {@code yyyy-MM-dd HH:mm:ss.SSSSSS} in UTC, microseconds truncated (years 0 to 9999). */
    static String text(Instant instant) {
        LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(26);
        pad(out, t.getYear(), 4).append('-');
        pad(out, t.getMonthValue(), 2).append('-');
        pad(out, t.getDayOfMonth(), 2).append(' ');
        pad(out, t.getHour(), 2).append(':');
        pad(out, t.getMinute(), 2).append(':');
        pad(out, t.getSecond(), 2).append('.');
        return pad(out, t.getNano() / 1_000, 6).toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int digits) {
        for (int limit = 10, i = 1; i < digits; i++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }

    /** The instant in the column, or null when it is SQL NULL. */
    public static Instant read(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
