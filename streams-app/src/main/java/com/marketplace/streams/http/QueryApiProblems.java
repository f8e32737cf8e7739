package com.marketplace.streams.http;

import com.marketplace.http.ProblemType;

/**
 * The query API's own kinds of problem; transport-level ones (404, 405, 500, 503) are the shared
 * {@link ProblemType} constants.
 */
public final class QueryApiProblems {

    public static final ProblemType INVALID_PARAMETER = ProblemType.of(400, "Invalid parameter", "invalid-parameter");
    /**
     * A request marked as forwarded by another instance without this instance's secret: refused,
     * never answered as an outside request, so that instances whose secrets differ cannot forward
     * a query back and forth between them.
     */
    public static final ProblemType FORWARD_REFUSED =
            ProblemType.of(403, "Forwarded query refused", "forwarded-query-refused");

    private QueryApiProblems() {
    }
}
