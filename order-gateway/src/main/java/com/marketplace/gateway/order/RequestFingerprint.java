package com.marketplace.gateway.order;

import com.marketplace.events.OrderItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 (hex) of a canonical form of a validated order request: field order, whitespace and the
 * written scale of amounts ({@code 1500} vs {@code 1500.00}) do not change it; any value does.
 */
public final class RequestFingerprint {

    private RequestFingerprint() {
    }

    public static String of(NewOrder order) {
        StringBuilder canonical = new StringBuilder()
                .append("buyerId=").append(order.buyerId())
                .append("\nbuyerEmail=").append(order.buyerEmail())
                .append("\ncurrency=").append(order.currency());
        for (OrderItem item : order.items()) {
            canonical.append("\nitem=").append(item.productId())
                    .append(',').append(item.sellerId())
                    .append(',').append(item.quantity())
                    .append(',').append(item.unitPrice().setScale(2).toPlainString());
        }
        return sha256Hex(canonical.toString());
    }

    private static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
