package com.marketplace.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.BindException;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartupFailureTest {

    @Test
    void aFailureIsItsMessageAndItsRootCauseOnOneLine() {
        RuntimeException failure = new IllegalStateException("database migration failed",
                new RuntimeException("pool init", new SQLException("Access denied for user 'app'@'10.0.0.7'")));

        assertThat(StartupFailure.describe(failure)).isEqualTo(
                "database migration failed (SQLException: Access denied for user 'app'@'10.0.0.7')").doesNotContain("\n");
    }

    @Test
    void aRootCauseAlreadyInTheMessageIsNotRepeated() {
        RuntimeException failure = new RuntimeException("java.net.BindException: Address already in use",
                new BindException("Address already in use"));

        assertThat(StartupFailure.describe(failure)).isEqualTo("java.net.BindException: Address already in use");
    }

    @Test
    void aFailureWithoutMessagesIsNamedByItsTypes() {
        assertThat(StartupFailure.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(StartupFailure.describe(new IllegalStateException(new IOException())))
                .isEqualTo("java.io.IOException");
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);

        // a loop that is followed for ever fails the test after a second instead of hanging the build
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(1), () -> StartupFailure.describe(b))).startsWith("b");
    }

    @Test
    void whatAClosingAfterAFailureThrowsIsAddedToTheFailure() {
        IllegalStateException failure = new IllegalStateException("start failed");
        IllegalStateException closeFailure = new IllegalStateException("close failed");

        StartupFailure.closeAddingTo(failure, () -> {
            throw closeFailure;
        });
        StartupFailure.closeAddingTo(failure, () -> {
            throw failure; // thrown again by the close: it cannot suppress itself
        });
        boolean[] closed = {false};
        StartupFailure.closeAddingTo(failure, () -> closed[0] = true);

        assertThat(failure.getSuppressed()).containsExactly(closeFailure);
        assertThat(closed[0]).isTrue();
    }
}
