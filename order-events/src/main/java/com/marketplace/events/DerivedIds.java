package com.marketplace.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Deterministic ids for records derived from an order event: the same source eventId and
 * discriminator always give the same UUID (name-based, version 3), so reprocessing an event
 * yields records a downstream consumer can deduplicate.
 */
public final class DerivedIds {

    /**
     * One MD5 digest per thread. {@link UUID#nameUUIDFromBytes} makes the same ids but looks the
     * algorithm up among the security providers on every call, which showed as 1 % of the stream
     * thread's samples in the streams benchmark (several ids per event).
     */
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(DerivedIds::md5);

    private DerivedIds() {
    }

    /** The id of the email sent for {@code sourceEventId}. */
    public static UUID emailId(UUID sourceEventId) {
        return derive(sourceEventId, "email");
    }

    /** The id of the notification for one recipient of {@code sourceEventId}. */
    public static UUID notificationId(UUID sourceEventId, RecipientType recipientType, long recipientId) {
        return derive(sourceEventId, "notification/" + recipientType + "/" + recipientId);
    }

    /** {@code UUID.nameUUIDFromBytes} of "sourceEventId/discriminator" in UTF-8. */
    private static UUID derive(UUID sourceEventId, String discriminator) {
        byte[] hash = MD5.get().digest((sourceEventId + "/" + discriminator).getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x30); // version 3
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        return new UUID(bigEndianLong(hash, 0), bigEndianLong(hash, 8));
    }

    private static long bigEndianLong(byte[] bytes, int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }
}
