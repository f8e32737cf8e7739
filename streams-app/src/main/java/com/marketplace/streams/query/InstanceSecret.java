package com.marketplace.streams.query;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The secret the instances of one application share to recognise each other's forwarded queries
 * ({@code INSTANCE_SECRET}). Only a request carrying it is answered as a forwarded one (local
 * stores only, internal parameters honoured); a request with the forwarding marker but without
 * the secret is refused. Without a configured secret each instance makes up its own, which is
 * right for a single instance and refuses the others' forwards.
 */
public final class InstanceSecret {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;
    private final byte[] bytes;
    private final boolean configured;

    private InstanceSecret(String value, boolean configured) {
        this.value = Objects.requireNonNull(value, "value");
        this.bytes = value.getBytes(StandardCharsets.UTF_8);
        this.configured = configured;
    }

    /** The configured secret, or a random one of this instance alone. */
    public static InstanceSecret of(Optional<String> configured) {
        return configured.map(secret -> new InstanceSecret(secret, true)).orElseGet(() -> {
            byte[] random = new byte[32];
            RANDOM.nextBytes(random);
            return new InstanceSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(random), false);
        });
    }

    /** Whether {@code given} is the secret; compared in constant time. */
    public boolean matches(String given) {
        return given != null && MessageDigest.isEqual(bytes, given.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether it was configured, rather than made up by this instance. */
    public boolean configured() {
        return configured;
    }

    /** The value sent with forwarded queries. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return configured ? "InstanceSecret[configured]" : "InstanceSecret[random]";
    }
}
