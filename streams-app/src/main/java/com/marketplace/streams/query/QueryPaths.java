package com.marketplace.streams.query;

/**
 * Paths of the interactive-query API (docs/architecture.md, "State stores and the query API"). The HTTP routes serve them and a forwarded
 * query calls the same path on the instance that owns the key, with {@link #FORWARDED_HEADER} set.
 */
public final class QueryPaths {

    public static final String STATUS_COUNTS = "/api/v1/stats/status-counts";
    public static final String SELLER_STATS = "/api/v1/stats/sellers/{sellerId}";
    public static final String BUYER_STATS = "/api/v1/stats/buyers/{buyerId}";
    public static final String ORDERS_PER_MINUTE = "/api/v1/stats/orders-per-minute";
    public static final String ORDER_STATE = "/api/v1/orders/{orderId}/state";

    /**
     * Marks a request forwarded by another instance (value: the sender's host:port). Together
     * with {@link #INSTANCE_SECRET_HEADER} such a request is answered from local stores only and
     * never forwarded again; without the secret it is refused.
     */
    public static final String FORWARDED_HEADER = "X-Forwarded-By-Instance";
    /** Carries the {@link InstanceSecret} on a forwarded request. */
    public static final String INSTANCE_SECRET_HEADER = "X-Instance-Secret";
    /**
     * Set ({@code true}) on the query API's own 404: the key has no value here (in the partitions a
     * forwarded query named). A 404 without it (a path no route serves, at an address that is not
     * this application's query API) says nothing about the key, and the forwarding instance answers 503.
     */
    public static final String NOT_KNOWN_HEADER = "X-Not-Known";
    /**
     * Query parameter of a forwarded statistics request: the comma-separated store partitions the
     * receiver must answer for, from its own active copies ({@link Scope#local}).
     */
    public static final String PARTITIONS_PARAM = "partitions";
    /**
     * The most partitions a forwarded query may name ({@code TOPIC_PARTITIONS}' upper bound): every
     * partition below it.
     */
    public static final int MAX_PARTITIONS = 10_000;
    /**
     * The request line and headers the query API accepts, in bytes. A forwarded query names its
     * partitions in its query string, and all {@link #MAX_PARTITIONS} of them take 48,890 characters,
     * far more than a server's usual 8 KiB; with a 64 KiB limit the longest list fits beside the
     * path, the other parameters and the headers.
     */
    public static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;

    private QueryPaths() {
    }

    /** {@code template} with its single {@code {…}} path parameter replaced by {@code id}. */
    public static String withId(String template, long id) {
        return template.replaceFirst("\\{[^}]+}", Long.toString(id));
    }
}
