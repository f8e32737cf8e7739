package com.marketplace.gateway.upkeep;

/**
 * What one page of an expiry walk did: a walk reads a window of rows in the order of an increasing
 * id, deletes the expired ones among them, and goes on after the window's last id while {@link #more}.
 *
 * @param deleted rows deleted
 * @param lastId  the highest id read: the next page starts after it
 * @param more    whether later rows may still hold expired ones
 */
public record CleanupPage(int deleted, long lastId, boolean more) {
}
