package com.marketplace.streams.query;

/**
 * A query named a store partition that does not exist (a forwarded query from an instance that counts
 * the input topics' partitions otherwise, or a client holding the instance secret asking for one): no
 * retry makes it exist, so it is the query's fault, not an unavailable store.
 */
public final class UnknownPartitionException extends RuntimeException {

    public UnknownPartitionException(String message) {
        super(message);
    }
}
