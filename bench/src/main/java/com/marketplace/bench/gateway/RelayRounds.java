package com.marketplace.bench.gateway;

import com.marketplace.bench.Figure;
import com.marketplace.bench.MetricsScrape;
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
        String scrape = gateway.get("/metrics");
        return new RelayRounds(rounds(scrape, "await-acks"), rounds(scrape, "record"));
    }

    private static long rounds(String scrape, String phase) {
        String label = "phase=\"" + phase + "\"";
        return (long) MetricsScrape.sum(scrape, "outbox_round_seconds_count", line -> line.contains(label));
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
