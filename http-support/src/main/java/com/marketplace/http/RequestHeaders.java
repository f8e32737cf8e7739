package com.marketplace.http;

import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Request headers that may be given at most once. */
public final class RequestHeaders {

    private RequestHeaders() {
    }

    /**
     * The value of header {@code name}, empty when absent.
     *
     * @throws ProblemException 400 when the header is given more than once: which one the client
     *         meant cannot be known, so none is taken
     */
    public static Optional<String> single(Context ctx, String name) {
        List<String> values = Collections.list(ctx.req().getHeaders(name));
        if (values.size() > 1) {
            throw new ProblemException(ProblemType.MALFORMED_REQUEST, "header " + name + " must be given at most once");
        }
        return values.stream().findFirst();
    }
}
