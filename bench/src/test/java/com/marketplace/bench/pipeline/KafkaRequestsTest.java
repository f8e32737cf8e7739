package com.marketplace.bench.pipeline;

import static com.marketplace.bench.MetricsScrape.sum;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaRequestsTest {

    private static final String STREAMS_SCRAPE = """
            # HELP kafka_consumer_fetch_manager_fetch_total The total number of fetch requests.
            # TYPE kafka_consumer_fetch_manager_fetch_total counter
            kafka_consumer_fetch_manager_fetch_total{client_id="app-1-StateUpdater-1-restore-consumer",kafka_version="4.4.0"} 3.0
            kafka_consumer_fetch_manager_fetch_total{client_id="app-1-StreamThread-1-consumer",kafka_version="4.4.0"} 8972.0
            kafka_consumer_fetch_manager_fetch_total{client_id="app-1-StreamThread-2-consumer",kafka_version="4.4.0"} 28.0
            kafka_consumer_fetch_manager_fetch_total_other{client_id="app-1-StreamThread-1-consumer"} 5.0
            kafka_producer_request_total{client_id="app-1-StreamThread-1-producer",kafka_version="4.4.0"} 6604.0
            """;

    @Test
    void sumsTheMainConsumersFetchesOnly() {
        double fetches = sum(STREAMS_SCRAPE, "kafka_consumer_fetch_manager_fetch_total", KafkaRequests.MAIN_CONSUMER);

        assertThat(fetches).isEqualTo(9000.0);
        assertThat(sum(STREAMS_SCRAPE, "kafka_producer_request_total", line -> true)).isEqualTo(6604.0);
        assertThat(sum(STREAMS_SCRAPE, "kafka_producer_record_send_total", line -> true)).isZero();
    }

    @Test
    void reportsTheDifferencePerHundredOrders() {
        KafkaRequests before = new KafkaRequests(10, 10, 20, 5, 100, 1, 30, 0);
        KafkaRequests after = new KafkaRequests(810, 1010, 520, 305, 10_540, 61, 1030, 1_234_500_000);

        KafkaRequests window = after.minus(before);

        assertThat(window).isEqualTo(new KafkaRequests(800, 1000, 500, 300, 10_440, 60, 1000, 1_234_500_000));
        assertThat(window.per100(1000)).isEqualTo("the relay's produce requests 80.0 (records per request 1.25); "
                + "the streams app's fetches 50.0, produce requests 30.0 (records per request 34.8) and commits "
                + "6.00; the measuring consumer's fetches 100 (served by the broker, whose CPU the pipeline's figures"
                + " include). The streams app's producers waited 1,235 ms in all"
                + " for topic metadata");
    }

    @Test
    void givesTheSameFiguresAsTableCellsWithTheFetchesPerCommit() {
        KafkaRequests window = new KafkaRequests(800, 1000, 500, 300, 10_440, 60, 1000, 0);

        assertThat(window.columns(1000)).containsExactly("80.0", "1.25", "50.0", "30.0", "34.8", "6.00", "8.33")
                .hasSameSizeAs(KafkaRequests.COLUMNS);
    }

    @Test
    void showsNoFigureWhereThereIsNothingToDivideBy() {
        assertThat(new KafkaRequests(0, 0, 5, 0, 0, 0, 0, 0).columns(100))
                .as("fetches but no commit, no produce request").containsExactly("0.00", "–", "5.00", "0.00", "–",
                        "0.00", "–");
        assertThat(new KafkaRequests(3, 3, 5, 2, 8, 1, 4, 0).columns(0)).as("no order created")
                .containsExactly("–", "1.00", "–", "–", "4.00", "–", "5.00");
        assertThat(new KafkaRequests(3, 3, 5, 2, 8, 1, 4, 0).per100(0)).contains("measuring consumer's fetches –");
    }
}
