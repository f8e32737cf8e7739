package com.marketplace.gateway.http;

/** Body of {@code PUT /api/v1/orders/{orderId}/status}: the target status name, e.g. {@code "PAID"}. */
public record StatusChangeRequest(String status) {
}
