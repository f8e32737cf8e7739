package com.marketplace.gateway.outbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The IN lists' lengths and texts and the claim ranges left out of a claim query; the statements themselves
 * are tested on the database by the outbox ITs.
 */
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

    @Test
    void anIdListStatementIsBuiltOnceForEachPaddedLength() {
        String template = "DELETE FROM t WHERE id IN (%s)";

        String three = JdbcOutboxRepository.withIdList(template, 3);

        assertThat(three).isEqualTo("DELETE FROM t WHERE id IN (?, ?, ?, ?)");
        assertThat(JdbcOutboxRepository.withIdList(template, 4)).isSameAs(three);
        assertThat(JdbcOutboxRepository.withIdList(template, 5))
                .isEqualTo("DELETE FROM t WHERE id IN (?, ?, ?, ?, ?, ?, ?, ?)");
        assertThat(JdbcOutboxRepository.withIdList("SELECT id FROM t WHERE id IN (%s)", 4))
                .isEqualTo("SELECT id FROM t WHERE id IN (?, ?, ?, ?)");
    }

    @Test
    void claimRangesAreJoinedWhereTheyTouchAndThenWhereTheGapIsSmallest() {
        List<long[]> ranges = List.of(new long[] {1, 10}, new long[] {11, 20}, new long[] {15, 18},
                new long[] {30, 40}, new long[] {43, 50}, new long[] {100, 110}, new long[] {200, 210});

        // touching and nested ranges are one range, whatever the number of slots
        assertThat(JdbcOutboxRepository.mergedTo(10, ranges))
                .containsExactly(new long[] {1, 20}, new long[] {30, 40}, new long[] {43, 50},
                        new long[] {100, 110}, new long[] {200, 210});
        // then the closest neighbours (gap 2, then 9) are joined, covering the rows between them
        assertThat(JdbcOutboxRepository.mergedTo(3, ranges))
                .containsExactly(new long[] {1, 50}, new long[] {100, 110}, new long[] {200, 210});
        assertThat(JdbcOutboxRepository.mergedTo(1, ranges)).containsExactly(new long[] {1, 210});
        assertThat(JdbcOutboxRepository.mergedTo(4, List.of())).isEmpty();
    }
}
