package com.marketplace.events;

/** Templates of {@link EmailMessage}. */
public enum EmailTemplate {
    ORDER_CONFIRMATION,
    ORDER_STATUS_CHANGED
}
