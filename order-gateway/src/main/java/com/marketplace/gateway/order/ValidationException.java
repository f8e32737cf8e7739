package com.marketplace.gateway.order;

import java.util.List;

/** The input breaks one or more rules; {@link #errors()} lists each of them. */
public class ValidationException extends RuntimeException {

    private final transient List<FieldError> errors;

    public ValidationException(List<FieldError> errors) {
        super("invalid input: " + errors.size() + " error(s)");
        this.errors = List.copyOf(errors);
    }

    public ValidationException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
