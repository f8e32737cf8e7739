package com.marketplace.streams.query;

/**
 * The answer cannot be given right now without risking a wrong one: Kafka Streams is not RUNNING,
 * the key's owner is unknown or migrating, a store is restoring, or another instance did not
 * answer in time. The caller should retry shortly (HTTP: 503 with {@code Retry-After}).
 *
 * <p>The message is for the logs and names the other instance involved; {@link #clientDetail()} is
 * what a client is told, without another instance's address.
 */
public class StoreUnavailableException extends RuntimeException {

    private final String clientDetail;

    /** @param message why the answer is unavailable, naming no other instance */
    public StoreUnavailableException(String message) {
        this(message, message, null);
    }

    /** @param message why the answer is unavailable, naming no other instance; {@code cause} the underlying failure */
    public StoreUnavailableException(String message, Throwable cause) {
        this(message, message, cause);
    }

    private StoreUnavailableException(String message, String clientDetail, Throwable cause) {
        super(message, cause);
        this.clientDetail = clientDetail;
    }

    /**
     * What another instance, {@code peer}, did or failed to do ({@code what}, worded to follow the
     * instance): "instance {@code peer} {@code what}" in the message, "another instance {@code what}"
     * for a client.
     */
    public static StoreUnavailableException ofPeer(Object peer, String what) {
        return ofPeer(peer, what, null);
    }

    /** {@link #ofPeer(Object, String)} with the underlying failure. */
    public static StoreUnavailableException ofPeer(Object peer, String what, Throwable cause) {
        return new StoreUnavailableException("instance " + peer + " " + what, "another instance " + what, cause);
    }

    /** Why the answer is unavailable, as a client may be told: without another instance's address. */
    public String clientDetail() {
        return clientDetail;
    }
}
