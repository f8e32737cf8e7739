package com.marketplace.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ExceptionHandler;
import io.javalin.http.HttpResponseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes problems as {@code application/problem+json} and maps the failures every API shares:
 * a {@link ProblemException} as raised, Javalin's own 404 / 405 / 413 / 415 (and any other 4xx),
 * a request the client broke at the transport level (body cut short, invalid chunk, read timeout)
 * as 400 logged at debug, and anything unexpected as 500 with a body that reveals nothing
 * internal. A service maps its domain exceptions next to these with {@link #map}.
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

    /** Registers a handler answering exceptions of {@code type} with the problem {@code toProblem} makes. */
    public <E extends Exception> void map(RoutesConfig routes, Class<E> type, Function<E, Problem> toProblem) {
        ExceptionHandler<E> handler = (e, ctx) -> write(ctx, toProblem.apply(e));
        routes.exception(type, handler);
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

    /** The body of a problem, for writers outside a Javalin handler (the server's error handler). */
    byte[] body(Problem problem) {
        return json.apply(problem);
    }

    /**
     * The problem for an error status the server or Javalin chose itself; the details are fixed
     * texts, so nothing of the request is repeated.
     */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> Problem.of(ProblemType.MALFORMED_REQUEST, "the request is not valid HTTP");
            case 404 -> Problem.of(ProblemType.NOT_FOUND, "no resource at this path");
            case 405 -> Problem.of(ProblemType.METHOD_NOT_ALLOWED, "method not allowed on this resource");
            case 408 -> Problem.of(ProblemType.REQUEST_TIMEOUT, "the request was not received in time");
            case 413 -> Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "request body too large");
            case 414 -> Problem.of(ProblemType.URI_TOO_LONG, "request target too long");
            case 415 -> Problem.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
            case 431 -> Problem.of(ProblemType.HEADERS_TOO_LARGE, "request headers too large");
            case 503 -> Problem.of(ProblemType.SERVICE_UNAVAILABLE, "the service cannot answer now; retry later");
            case 505 -> Problem.of(ProblemType.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are served");
            default -> status >= 400 && status < 500
                    ? new Problem("about:blank", HttpStatus.getMessage(status), status,
                            "the request cannot be served", null)
                    : Problem.of(ProblemType.INTERNAL_ERROR, "the request could not be completed");
        };
    }

    /**
     * Whether {@code failure} comes from the client's connection: the body ended early or never
     * came (read timeout), or its framing was invalid.
     */
    private static boolean isClientTransportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EofException || t instanceof HttpException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void httpResponse(HttpResponseException e, Context ctx) {
        int status = e.getStatus();
        if (status == 404) {
            write(ctx, Problem.of(ProblemType.NOT_FOUND,
                    "no resource at " + ClientInput.method(ctx.method()) + " " + ClientInput.quote(ctx.path())));
        } else if (status == 405) {
            allowedMethods(e).ifPresent(allowed -> ctx.header("Allow", allowed));
            write(ctx, forStatus(status));
        } else if (status >= 400 && status < 500) {
            write(ctx, forStatus(status));
        } else {
            unexpected(e, ctx);
        }
    }

    /**
     * The methods the path's routes serve, as Javalin's 405 names them: under one key for a client
     * that accepts HTML and another for the rest.
     */
    private static Optional<String> allowedMethods(HttpResponseException e) {
        return Stream.of("availableMethods", "Available methods").map(e.getDetails()::get)
                .filter(methods -> methods != null && !methods.isBlank()).findFirst();
    }

    private void unexpected(Exception e, Context ctx) {
        if (isClientTransportFailure(e)) {
            log.debug("Request {} {} broken off by the client: {}", ctx.method(), ClientInput.quote(ctx.path()), e.toString());
            write(ctx, Problem.of(ProblemType.MALFORMED_REQUEST, "the request could not be read completely"));
            return;
        }
        log.error("Unexpected failure serving {} {}", ctx.method(), ClientInput.quote(ctx.path()), e);
        write(ctx, Problem.of(ProblemType.INTERNAL_ERROR, "the request could not be completed"));
    }
}
