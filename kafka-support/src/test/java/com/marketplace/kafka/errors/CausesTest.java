package com.marketplace.kafka.errors;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void findsATypeAnywhereInTheChainAndNothingThatIsNotThere() {
        Exception chain = new KafkaException("send failed",
                new IllegalStateException("wrapped", new ClusterAuthorizationException("not allowed")));

        assertThat(Causes.include(chain, AuthorizationException.class)).isTrue();
        assertThat(Causes.include(chain, TimeoutException.class)).isFalse();
        assertThat(Causes.include(null, AuthorizationException.class)).isFalse();
    }

    @Test
    void aChainThatLoopsIsReadOnce() {
        // A -> B -> A: only a throwable that is its own cause is refused by initCause
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(Causes.include(first, AuthorizationException.class)).isFalse();
        assertThat(Causes.include(first, RuntimeException.class)).isTrue();
    }

    @Test
    void aFailureIsDescribedWithItsInnermostCause() {
        Exception refused = new ClusterAuthorizationException("not allowed");
        Exception chain = new KafkaException("in an error state", new IllegalStateException("wrapped", refused));

        assertThat(Causes.describe(chain)).isEqualTo("org.apache.kafka.common.KafkaException: in an error state"
                + " (caused by org.apache.kafka.common.errors.ClusterAuthorizationException: not allowed)");
        assertThat(Causes.describe(refused)).isEqualTo(refused.toString());
        assertThat(Causes.describe(null)).isEqualTo("null");
    }

    @Test
    void aCauseTheFailuresTextHoldsIsNotRepeated() {
        Exception interrupted = new InterruptException(new InterruptedException());

        assertThat(Causes.describe(interrupted)).isEqualTo(interrupted.toString())
                .contains("java.lang.InterruptedException");
    }
}
