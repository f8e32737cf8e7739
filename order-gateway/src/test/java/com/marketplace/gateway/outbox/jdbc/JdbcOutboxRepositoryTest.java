package com.marketplace.gateway.outbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The IN lists' lengths; the statements themselves are tested on the database by the outbox ITs. */
class JdbcOutboxRepositoryTest {

    @Test
    void idListsArePaddedToThePowerOfTwoAtOrAboveTheirCount() {
        assertThat(IntStream.rangeClosed(0, 9).map(JdbcOutboxRepository::paddedLength).toArray())
                .containsExactly(0, 1, 2, 4, 4, 8, 8, 8, 8, 16);
        assertThat(JdbcOutboxRepository.paddedLength(500)).isEqualTo(512);
        assertThat(JdbcOutboxRepository.paddedLength(512)).isEqualTo(512);
        assertThat(JdbcOutboxRepository.paddedLength(513)).isEqualTo(1024);
        assertThat(JdbcOutboxRepository.paddedLength(10_000)).isEqualTo(16_384);
    }

    @Test
    void aBatchOfEverySizeUpToTenThousandNeedsAtMostFifteenStatementTexts() {
        assertThat(IntStream.rangeClosed(1, 10_000).map(JdbcOutboxRepository::paddedLength).distinct().count())
                .isEqualTo(15);
    }
}
