package com.marketplace.bench.gateway;

import com.marketplace.bench.Figure;
import com.marketplace.harness.HttpService;

/**
 * A gateway relay's sends (rounds whose acknowledgements were awaited) and recording transactions,
 * from the {@code outbox_round_seconds} counts of the gateway's {@code /metrics}. Read before and
 * after a phase of load and subtracted, they show how the relay batches at that load.
 */
public record RelayRounds(long sends, long recordings) {

    /** For a load without a relay (the plain JDBC loop). */
    public static final RelayRounds NONE = new RelayRounds(0, 0);

    /** The counts now. */
    public static RelayRounds of(HttpService gateway) {
        long sends = 0;
        long recordings = 0;
        for (String line : gateway.get("/metrics").split("\\n")) {
            if (!line.startsWith("outbox_round_seconds_count{")) {
                continue;
            }
            long count = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            if (line.contains("phase=\"await-acks\"")) {
                sends += count;
            } else if (line.contains("phase=\"record\"")) {
                recordings += count;
            }
        }
        return new RelayRounds(sends, recordings);
    }

    /** The rounds since {@code before}. */
    public RelayRounds minus(RelayRounds before) {
        return new RelayRounds(sends - before.sends, recordings - before.recordings);
    }

    /** Sends and recording transactions per 100 orders, as "sends / recordings". */
    public String per100(long orders) {
        double per100 = 100.0 / Math.max(1, orders);
        return Figure.format(sends * per100) + " / " + Figure.format(recordings * per100);
    }
}
