package com.marketplace.streams.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;

/**
 * The secret the instances of one application share to recognise each other's forwarded queries
 * ({@code INSTANCE_SECRET}). Only a request carrying it is answered as a forwarded one (local
 * stores only, internal parameters honoured); a request with the forwarding marker but without
 * the secret is refused. Without a configured secret the instances use their application id, which
 * they share, so several instances answer each other's queries with the contract's settings alone.
 * The id is no secret (the Kafka clients' ids on {@code /metrics} begin with it), so any client of
 * the query port can pass a query off as forwarded: it then gets this instance's answer alone, its
 * statistics by partition and the orders-per-minute windows back to the store's 24 hours, which an
 * ordinary query sums over every partition and cuts a little shorter. Where clients outside the
 * application reach the query port, a configured secret keeps that to the instances.
 */
public final class InstanceSecret {

    private final String value;
    private final byte[] bytes;
    private final boolean configured;

    private InstanceSecret(String value, boolean configured) {
        this.value = Objects.requireNonNull(value, "value");
        this.bytes = value.getBytes(StandardCharsets.UTF_8);
        this.configured = configured;
    }

    /** The configured secret, or else the application id the instances share. */
    public static InstanceSecret of(Optional<String> configured, String applicationId) {
        return configured.map(secret -> new InstanceSecret(secret, true))
                .orElseGet(() -> new InstanceSecret(applicationId, false));
    }

    /** Whether {@code given} is the secret; compared in constant time. */
    public boolean matches(String given) {
        return given != null && MessageDigest.isEqual(bytes, given.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether it was configured, rather than the application id. */
    public boolean configured() {
        return configured;
    }

    /** The value sent with forwarded queries. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return configured ? "InstanceSecret[configured]" : "InstanceSecret[application id]";
    }
}
