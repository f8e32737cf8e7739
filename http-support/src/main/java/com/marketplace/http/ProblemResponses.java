package com.marketplace.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes problems as {@code application/problem+json} and maps the failures every API shares:
 * a {@link ProblemException} as raised, Javalin's own 404 / 405 / 413 / 415 (and any other 4xx),
 * and anything unexpected as 500 with a body that reveals nothing internal. A service registers
 * its domain exceptions next to these with {@link #write(Context, Problem)}.
 */
public final class ProblemResponses {

    /** Seconds a client should wait before retrying a 503. */
    public static final String RETRY_AFTER_SECONDS = "1";

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);

    private final Function<Object, byte[]> json;

    /** @param json the service's response JSON writer */
    public ProblemResponses(Function<Object, byte[]> json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Registers the shared handlers on the routes configuration. */
    public void register(RoutesConfig routes) {
        routes.exception(ProblemException.class, (e, ctx) -> write(ctx, e.problem()));
        routes.exception(HttpResponseException.class, this::httpResponse);
        routes.exception(Exception.class, this::unexpected);
    }

    /** Answers {@code status}, content type and body of {@code problem}. */
    public void write(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(json.apply(problem));
    }

    /** Answers 503 with {@code Retry-After}: the request did not happen and may be retried. */
    public void unavailable(Context ctx, String detail) {
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        write(ctx, Problem.of(ProblemType.SERVICE_UNAVAILABLE, detail));
    }

    private void httpResponse(HttpResponseException e, Context ctx) {
        Problem problem = switch (e.getStatus()) {
            case 404 -> Problem.of(ProblemType.NOT_FOUND, "no resource at " + ctx.method() + " " + ctx.path());
            case 405 -> Problem.of(ProblemType.METHOD_NOT_ALLOWED, "method not allowed on this resource");
            case 413 -> Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "request body too large");
            case 415 -> Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
            default -> e.getStatus() >= 400 && e.getStatus() < 500
                    ? new Problem("about:blank", "Bad request", e.getStatus(), "the request cannot be served", null)
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
}
