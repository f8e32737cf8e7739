package com.marketplace.events;

/** Who a {@link Notification} is for. */
public enum RecipientType {
    BUYER,
    SELLER
}
