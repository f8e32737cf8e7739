package com.marketplace.bench.pipeline;

import static com.marketplace.bench.MetricsScrape.sum;

import com.marketplace.bench.Figure;
import com.marketplace.harness.HttpService;
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
     * The columns of {@link #columns}, for a table with one row per load (the rate sweep's steps). The
     * fetches per commit show how the stream thread's commits fall against its fetches: about one fetch
     * per record at a low rate without a fetch wait, two per commit with a 20 ms wait and a 20 ms commit
     * interval (pipeline-tuning.md, fifty-third round).
     */
    static final String COLUMNS = "relay produce requests | records per request | stream threads' fetches "
            + "| streams produce requests | records per request | commits | fetches per commit";

    /** This window's figures per 100 of {@code orders}, as the cells of {@link #COLUMNS}. */
    String columns(long orders) {
        double per100 = 100.0 / Math.max(1, orders);
        return String.join(" | ", Figure.format(relayRequests * per100),
                Figure.format(relayRecords / Math.max(1, relayRequests)), Figure.format(fetches * per100),
                Figure.format(streamsRequests * per100), Figure.format(streamsRecords / Math.max(1, streamsRequests)),
                Figure.format(commits * per100), commits == 0 ? "–" : Figure.format(fetches / commits));
    }

    /** Per 100 orders, in words for the report. */
    String per100(long orders) {
        double per100 = 100.0 / Math.max(1, orders);
        return "the relay's produce requests " + Figure.format(relayRequests * per100) + " (records per request "
                + Figure.format(relayRecords / Math.max(1, relayRequests)) + "); the streams app's fetches "
                + Figure.format(fetches * per100) + ", produce requests " + Figure.format(streamsRequests * per100)
                + " (records per request " + Figure.format(streamsRecords / Math.max(1, streamsRequests))
                + ") and commits " + Figure.format(commits * per100) + "; the measuring consumer's fetches "
                + Figure.format(measuringFetches * per100) + " (served by the broker, whose CPU the pipeline's"
                + " figures include). The streams app's producers waited "
                + Figure.format(streamsMetadataWaitNanos / 1e6) + " ms in all for topic metadata";
    }
}
