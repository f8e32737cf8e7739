package com.marketplace.bench.pipeline;

import static com.marketplace.bench.MetricsScrape.sum;

import com.marketplace.bench.Figure;
import com.marketplace.harness.HttpService;
import java.util.List;
import java.util.function.Predicate;

/**
 * The Kafka requests of the pipeline's own clients, from the services' {@code /metrics}: the relay's
 * produce requests and the records in them (gateway); the stream threads' fetches, their producers'
 * requests and records, and their commits (streams app). Read before and after a load and
 * subtracted, per order they show how each client batches at that load; the broker's CPU follows
 * the number of requests more than the number of records. The measuring consumer's fetches
 * ({@link RecordArrivals}) are counted apart: the broker serves them too, though a deployment has
 * no such client. The time the streams app's producers waited for a topic's partitions
 * ({@code metadata-wait-time-ns-total}: the stream threads' sends, and the instance's own requests
 * for them ahead of the first send when they fall in the window) is read alongside.
 */
record KafkaRequests(double relayRequests, double relayRecords, double fetches, double streamsRequests,
        double streamsRecords, double commits, double measuringFetches, double streamsMetadataWaitNanos) {

    /** For a result read without services (tests). */
    static final KafkaRequests NONE = new KafkaRequests(0, 0, 0, 0, 0, 0, 0, 0);

    /** The samples of the stream threads' own consumers: not the restore consumer, not per topic. */
    static final Predicate<String> MAIN_CONSUMER = line -> line.contains("StreamThread-") && !line.contains("topic=");

    /** The counts now. */
    static KafkaRequests of(HttpService gateway, HttpService streams, RecordArrivals arrivals) {
        String g = gateway.get("/metrics");
        String s = streams.get("/metrics");
        return new KafkaRequests(sum(g, "kafka_producer_request_total", line -> true),
                sum(g, "kafka_producer_record_send_total", line -> true),
                sum(s, "kafka_consumer_fetch_manager_fetch_total", MAIN_CONSUMER),
                sum(s, "kafka_producer_request_total", line -> true),
                sum(s, "kafka_producer_record_send_total", line -> true),
                sum(s, "kafka_stream_thread_commit_total", line -> true), arrivals.fetches(),
                sum(s, "kafka_producer_metadata_wait_time_ns_total", line -> true));
    }

    /** The requests since {@code before}. */
    KafkaRequests minus(KafkaRequests before) {
        return new KafkaRequests(relayRequests - before.relayRequests, relayRecords - before.relayRecords,
                fetches - before.fetches, streamsRequests - before.streamsRequests,
                streamsRecords - before.streamsRecords, commits - before.commits,
                measuringFetches - before.measuringFetches, streamsMetadataWaitNanos - before.streamsMetadataWaitNanos);
    }

    /**
     * The headings of {@link #columns}, for a table with one row per load (the rate sweep's steps): per 100
     * created orders, and two ratios. The fetches per commit show how the stream threads' commits fall
     * against their fetches: several per commit without a fetch wait (about 5 at 100 orders/s, one fetch
     * per record), about 2 with a 20 ms wait and a 20 ms commit interval (pipeline-tuning.md, fifty-third
     * round).
     */
    static final List<String> COLUMNS = List.of("relay produce requests", "records per request",
            "stream threads' fetches", "streams produce requests", "records per request", "stream threads' commits",
            "fetches per commit");

    /** This window's figures for {@code orders} created orders, as the cells of {@link #COLUMNS}. */
    List<String> columns(long orders) {
        double per100 = ratio(100, orders);
        return List.of(Figure.format(relayRequests * per100), Figure.format(ratio(relayRecords, relayRequests)),
                Figure.format(fetches * per100), Figure.format(streamsRequests * per100),
                Figure.format(ratio(streamsRecords, streamsRequests)), Figure.format(commits * per100),
                Figure.format(ratio(fetches, commits)));
    }

    /** Per 100 orders, in words for the report. */
    String per100(long orders) {
        List<String> c = columns(orders);
        return "the relay's produce requests " + c.get(0) + " (records per request " + c.get(1)
                + "); the streams app's fetches " + c.get(2) + ", produce requests " + c.get(3)
                + " (records per request " + c.get(4) + ") and commits " + c.get(5)
                + "; the measuring consumer's fetches " + Figure.format(measuringFetches * ratio(100, orders))
                + " (served by the broker, whose CPU the pipeline's figures include). The streams app's producers"
                + " waited " + Figure.format(streamsMetadataWaitNanos / 1e6) + " ms in all for topic metadata";
    }

    /** {@code a / b}, or NaN (a report's "–") when there is nothing to divide by. */
    private static double ratio(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
