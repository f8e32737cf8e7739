package com.marketplace.streams.http;

import java.util.Objects;

/** Ends a request with the given problem (bad parameter, unknown key). */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(ProblemType type, String detail) {
        super(type.title() + ": " + detail);
        this.problem = Objects.requireNonNull(Problem.of(type, detail), "problem");
    }

    public Problem problem() {
        return problem;
    }
}
