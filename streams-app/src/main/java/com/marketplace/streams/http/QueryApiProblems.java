package com.marketplace.streams.http;

import com.marketplace.http.ProblemType;

/**
 * The query API's own kind of problem; transport-level ones (404, 405, 500, 503) are the shared
 * {@link ProblemType} constants.
 */
public final class QueryApiProblems {

    public static final ProblemType INVALID_PARAMETER = ProblemType.of(400, "Invalid parameter", "invalid-parameter");

    private QueryApiProblems() {
    }
}
