package com.marketplace.streams.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marketplace.http.ProblemException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestParamsTest {

    @Test
    void anInstantWithAnOffsetIsReadAsTheInstantItNames() {
        assertThat(RequestParams.instant("from", "2026-11-25T19:00:00+09:00"))
                .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    }

    @Test
    void anOffsetWhosePlusArrivedAsASpaceIsRefusedWithTheEncodingToSendInstead() {
        // "?from=2026-11-25T19:00:00+09:00" sent without encoding the '+' is form-decoded to a space
        assertThatThrownBy(() -> RequestParams.instant("from", "2026-11-25T19:00:00 09:00"))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("'2026-11-25T19:00:00 09:00'")
                .hasMessageContaining("send it as %2B");
    }

    @Test
    void aSpaceThatIsNoOffsetSignGetsNoHint() {
        assertThatThrownBy(() -> RequestParams.instant("from", "2026-11-25 10:00:00Z"))
                .isInstanceOf(ProblemException.class)
                .hasMessageNotContaining("%2B");
    }

    @Test
    void anInstantThatIsNotOneIsRefusedWithoutTheHint() {
        assertThatThrownBy(() -> RequestParams.instant("to", "yesterday"))
                .isInstanceOf(ProblemException.class)
                .hasMessageContaining("must be an ISO-8601 instant")
                .hasMessageNotContaining("%2B");
    }
}
