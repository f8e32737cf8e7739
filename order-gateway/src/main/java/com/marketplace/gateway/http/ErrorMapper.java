package com.marketplace.gateway.http;

import com.marketplace.gateway.order.IdempotencyKeyReuseException;
import com.marketplace.gateway.order.IllegalStatusTransitionException;
import com.marketplace.gateway.order.OrderNotFoundException;
import com.marketplace.gateway.order.StorageException;
import com.marketplace.gateway.outbox.OutboxStorageException;
import com.marketplace.gateway.order.ValidationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every exception to an {@code application/problem+json} response, once: validation → 400,
 * not found → 404, illegal transition → 409, reused idempotency key → 422, database unavailable →
 * 503 with Retry-After, transport problems as raised, anything else → 500 with a body that reveals
 * nothing internal.
 */
public final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private final ApiJson json;

    public ErrorMapper(ApiJson json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Registers the handlers on the routes configuration. */
    public void register(RoutesConfig routes) {
        routes.exception(ProblemException.class, (e, ctx) -> write(ctx, e.problem()));
        routes.exception(ValidationException.class, (e, ctx) ->
                write(ctx, Problem.validation("request has invalid fields", e.errors())));
        routes.exception(OrderNotFoundException.class, (e, ctx) ->
                write(ctx, Problem.of(ProblemType.NOT_FOUND, e.getMessage())));
        routes.exception(IllegalStatusTransitionException.class, (e, ctx) ->
                write(ctx, Problem.of(ProblemType.ILLEGAL_TRANSITION, e.getMessage())));
        routes.exception(IdempotencyKeyReuseException.class, (e, ctx) ->
                write(ctx, Problem.of(ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage())));
        routes.exception(StorageException.class, this::storageUnavailable);
        routes.exception(OutboxStorageException.class, this::storageUnavailable);
        routes.exception(HttpResponseException.class, this::httpResponse);
        routes.exception(Exception.class, this::unexpected);
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

    /**
     * The database failed or no connection was free in time (overload): the request did not
     * happen and may be retried, so 503 with Retry-After rather than 500.
     */
    private void storageUnavailable(RuntimeException e, Context ctx) {
        log.warn("Database unavailable serving {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
        ctx.header("Retry-After", "1");
        write(ctx, Problem.of(ProblemType.SERVICE_UNAVAILABLE, "the database is unavailable; retry later"));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }

    private void unexpected(Exception e, Context ctx) {
        log.error("Unexpected failure serving {} {}", ctx.method(), ctx.path(), e);
        write(ctx, Problem.of(ProblemType.INTERNAL_ERROR, "the request could not be completed"));
    }

    private void write(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(json.write(problem));
    }
}
