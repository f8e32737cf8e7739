package com.marketplace.http;

import java.util.Objects;

/** Ends a request with the given problem (bad parameter, unknown key, unavailable dependency). */
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
