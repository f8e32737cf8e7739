package com.marketplace.gateway.http;

import java.util.Objects;

/** Ends a request with the given problem; thrown by the HTTP layer for transport-level errors. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.title() + ": " + problem.detail());
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public ProblemException(ProblemType type, String detail) {
        this(Problem.of(type, detail));
    }

    public Problem problem() {
        return problem;
    }
}
