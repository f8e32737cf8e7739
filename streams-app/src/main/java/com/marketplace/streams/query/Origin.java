package com.marketplace.streams.query;

/** Where a query comes from, which decides whether it may be forwarded. */
public enum Origin {
    /** A client's query: answered locally when this instance owns the key, else forwarded to the owner. */
    CLIENT,
    /** A query forwarded by another instance: answered from local stores only, never forwarded again. */
    FORWARDED
}
