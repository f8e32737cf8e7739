package com.marketplace.gateway.order;

/** One invalid input: the field's JSON path (e.g. {@code items[2].unitPrice}) and what is wrong. */
public record FieldError(String field, String message) {
}
