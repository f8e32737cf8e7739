package com.marketplace.streams.errors;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.events.Topics;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class InputTimestampsTest {

    private final InputTimestamps timestamps = new InputTimestamps();

    @Test
    void aRecordsOwnTimestampIsKept() {
        assertThat(timestamps.extract(record(1_700_000_000_000L), 1_800_000_000_000L)).isEqualTo(1_700_000_000_000L);
        assertThat(timestamps.extract(record(0L), 5L)).isZero();
    }

    @Test
    void aRecordWithoutAValidTimestampTakesItsPartitionsTimeOrZero() {
        assertThat(timestamps.extract(record(-1L), 1_700_000_000_000L)).isEqualTo(1_700_000_000_000L);
        // a partition's first record: not now, which would move the partition's stream time past its backlog
        assertThat(timestamps.extract(record(-5L), -1L)).isZero();
    }

    private static ConsumerRecord<Object, Object> record(long timestamp) {
        return new ConsumerRecord<>(Topics.ORDER_CREATED, 0, 3L, timestamp, TimestampType.CREATE_TIME, 2, 2, "42",
                new byte[2], new RecordHeaders(), Optional.empty());
    }
}
