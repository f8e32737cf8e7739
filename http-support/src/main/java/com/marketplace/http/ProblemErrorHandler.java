package com.marketplace.http;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's error page as problem+json: the answers the server gives before a request reaches a
 * route (bad percent-encoding, request line or headers too long, ambiguous framing, unsupported
 * HTTP version) have the same shape as every other error of the API. The detail is a fixed text
 * per status; Jetty's reason, which may quote the request, is only logged at debug.
 */
final class ProblemErrorHandler extends ErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrorHandler.class);

    private final ProblemResponses problems;

    ProblemErrorHandler(ProblemResponses problems) {
        this.problems = Objects.requireNonNull(problems, "problems");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        if (request.getAttribute(ERROR_EXCEPTION) instanceof org.eclipse.jetty.http.HttpException httpException) {
            status = httpException.getCode();
            response.setStatus(status);
        }
        if (status < 400) {
            status = HttpStatus.BAD_REQUEST_400;
            response.setStatus(status);
        }
        log.debug("Answering {} before routing: {}", status, request.getAttribute(ERROR_MESSAGE));
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        if (status == HttpStatus.SERVICE_UNAVAILABLE_503) {
            // a server stopping answers the requests still arriving on its open connections so: ask
            // again, as every other 503 of the services says (another instance will answer)
            response.getHeaders().put(HttpHeader.RETRY_AFTER, ProblemResponses.RETRY_AFTER_SECONDS);
        }
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(problems.body(ProblemResponses.forStatus(status))), callback);
        return true;
    }
}
