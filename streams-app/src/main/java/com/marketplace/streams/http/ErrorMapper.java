package com.marketplace.streams.http;

import com.marketplace.streams.query.StoreUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every exception to an {@code application/problem+json} response, once: bad parameter → 400,
 * unknown key or route → 404, store unavailable → 503 with {@code Retry-After: 1}, anything else →
 * 500 with a body that reveals nothing internal.
 */
public final class ErrorMapper {

    /** Seconds a client should wait before asking again while stores move. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private final ApiJson json;

    public ErrorMapper(ApiJson json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Registers the handlers on the routes configuration. */
    public void register(RoutesConfig routes) {
        routes.exception(ProblemException.class, (e, ctx) -> write(ctx, e.problem()));
        routes.exception(StoreUnavailableException.class, this::unavailable);
        routes.exception(HttpResponseException.class, this::httpResponse);
        routes.exception(Exception.class, this::unexpected);
    }

    private void unavailable(StoreUnavailableException e, Context ctx) {
        log.debug("answering 503 to {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        write(ctx, Problem.of(ProblemType.SERVICE_UNAVAILABLE, e.getMessage()));
    }

    private void httpResponse(HttpResponseException e, Context ctx) {
        Problem problem = switch (e.getStatus()) {
            case 404 -> Problem.of(ProblemType.NOT_FOUND, "no resource at " + ctx.method() + " " + ctx.path());
            case 405 -> Problem.of(ProblemType.METHOD_NOT_ALLOWED, "method not allowed on this resource");
            default -> e.getStatus() >= 400 && e.getStatus() < 500
                    ? new Problem("about:blank", "Bad request", e.getStatus(), "the request cannot be served")
                    : null;
        };
        if (problem == null) {
            unexpected(e, ctx);
        } else {
            write(ctx, problem);
        }
    }

    private void unexpected(Exception e, Context ctx) {
        log.error("Unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
        write(ctx, Problem.of(ProblemType.INTERNAL_ERROR, "the request could not be completed"));
    }

    private void write(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(json.write(problem));
    }
}
