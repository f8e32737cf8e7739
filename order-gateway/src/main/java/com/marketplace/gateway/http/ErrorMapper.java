package com.marketplace.gateway.http;

import com.marketplace.gateway.order.IdempotencyKeyReuseException;
import com.marketplace.gateway.order.IllegalStatusTransitionException;
import com.marketplace.gateway.order.OrderNotFoundException;
import com.marketplace.gateway.order.OutcomeUnknownException;
import com.marketplace.gateway.order.StorageException;
import com.marketplace.gateway.order.ValidationException;
import com.marketplace.gateway.outbox.OutboxStorageException;
import com.marketplace.http.Problem;
import com.marketplace.http.ProblemResponses;
import com.marketplace.http.ProblemType;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every exception to an {@code application/problem+json} response, once: validation → 400,
 * not found → 404, illegal transition → 409, reused idempotency key → 422, database unavailable →
 * 503 with Retry-After, a creation or status change whose outcome the database left unknown → 503
 * without it; transport problems and anything unexpected as {@link ProblemResponses} answers them
 * for every API (500 with a body that reveals nothing internal).
 */
public final class ErrorMapper {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

    private final ProblemResponses problems;

    /** @param problems the server's problem writer, which also maps what every API shares */
    public ErrorMapper(ProblemResponses problems) {
        this.problems = problems;
    }

    /** Registers the order API's handlers on the routes configuration. */
    public void register(RoutesConfig routes) {
        problems.map(routes, ValidationException.class,
                e -> OrderApiProblems.validation("request has invalid fields", e.errors()));
        problems.map(routes, OrderNotFoundException.class, e -> Problem.of(ProblemType.NOT_FOUND, e.getMessage()));
        problems.map(routes, IllegalStatusTransitionException.class,
                e -> Problem.of(OrderApiProblems.ILLEGAL_TRANSITION, e.getMessage()));
        problems.map(routes, IdempotencyKeyReuseException.class,
                e -> Problem.of(OrderApiProblems.IDEMPOTENCY_KEY_REUSED, e.getMessage()));
        routes.exception(OutcomeUnknownException.class, this::outcomeUnknown);
        routes.exception(StorageException.class, this::storageUnavailable);
        routes.exception(OutboxStorageException.class, this::storageUnavailable);
    }

    /**
     * The database failed or no connection was free in time (overload): the request did not
     * happen and may be retried, so 503 with Retry-After rather than 500.
     */
    private void storageUnavailable(RuntimeException e, Context ctx) {
        log.warn("Database unavailable serving {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
        problems.unavailable(ctx, "the database is unavailable; retry later");
    }

    /**
     * A change the database did not confirm and that could not be read back: it may have been
     * applied, so no {@code Retry-After} invites the client to send it again blindly. A creation sent
     * again with the same {@code Idempotency-Key} is safe: it answers with the order if it was
     * written. A status change is seen in the order itself.
     */
    private void outcomeUnknown(OutcomeUnknownException e, Context ctx) {
        log.warn("Outcome unknown serving {} {}: {}", ctx.method(), ctx.path(), rootMessage(e));
        String detail;
        if (HandlerType.PUT.equals(ctx.method())) {
            detail = "the database did not confirm whether the status change was applied; read the order to see"
                    + " its status before sending the change again";
        } else if (ctx.header(OrderController.IDEMPOTENCY_KEY_HEADER) != null) {
            detail = "the database did not confirm whether the order was created; sending the request again with"
                    + " the same Idempotency-Key is safe: it answers with the order if it was";
        } else {
            detail = "the database did not confirm whether the order was created; sending the request again may"
                    + " create it twice (a request with an Idempotency-Key can be sent again safely)";
        }
        problems.write(ctx, Problem.of(OrderApiProblems.OUTCOME_UNKNOWN, detail));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.toString();
    }
}
