package com.marketplace.streams.http;

import com.marketplace.http.ProblemResponses;
import com.marketplace.streams.query.StoreUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every exception to an {@code application/problem+json} response, once: store unavailable
 * (rebalancing, owner unreachable) → 503 with {@code Retry-After}; bad parameters, unknown keys
 * and routes, and anything unexpected as {@link ProblemResponses} answers them for every API.
 */
public final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private final ProblemResponses problems;

    public ErrorMapper(ApiJson json) {
        this.problems = new ProblemResponses(json::write);
    }

    /** Registers the handlers on the routes configuration. */
    public void register(RoutesConfig routes) {
        problems.register(routes);
        routes.exception(StoreUnavailableException.class, this::unavailable);
    }

    private void unavailable(StoreUnavailableException e, Context ctx) {
        log.debug("answering 503 to {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        problems.unavailable(ctx, e.getMessage());
    }
}
