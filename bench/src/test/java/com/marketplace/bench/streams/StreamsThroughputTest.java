package com.marketplace.bench.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.marketplace.streams.config.StreamsAppConfig;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsThroughputTest {

    @Test
    void eachMeasureIsTheMedianOfItsOwnRoundsWhicheverRunItCameFrom() {
        // the fastest run is not the one with the least CPU: each measure is ranked on its own
        List<double[]> runs = List.of(new double[] {18_000, 28.0}, new double[] {21_000, 38.0},
                new double[] {14_000, 26.0});

        assertThat(StreamsThroughput.medians(runs)).containsExactly(18_000, 28.0);
    }

    @Test
    void anEvenNumberOfRoundsTakesTheMeanOfTheMiddleTwo() {
        List<double[]> runs = List.of(new double[] {10, 4}, new double[] {40, 1}, new double[] {20, 3},
                new double[] {30, 2});

        assertThat(StreamsThroughput.medians(runs)).containsExactly(25, 2.5);
    }

    @Test
    void oneRoundIsItsOwnMedian() {
        assertThat(StreamsThroughput.medians(List.of(new double[] {12_345, 31.5}))).containsExactly(12_345, 31.5);
    }

    @Test
    void eachGuaranteeRunsWithTheAppsSettingsForIt() {
        Properties eos = StreamsThroughput.runProperties("localhost:1", "eos", StreamsConfig.EXACTLY_ONCE_V2);
        Properties alos = StreamsThroughput.runProperties("localhost:1", "alos", StreamsConfig.AT_LEAST_ONCE);

        assertThat(eos).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        StreamsAppConfig.EOS_COMMIT_INTERVAL.toMillis());
        assertThat(alos).containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        StreamsAppConfig.ALOS_COMMIT_INTERVAL.toMillis())
                .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                        StreamsAppConfig.ALOS_PRODUCER_LINGER.toMillis());
    }

    @Test
    void theReportStatesEachGuaranteesSettings() {
        assertThat(StreamsScenario.appSettings(StreamsConfig.AT_LEAST_ONCE))
                .isEqualTo("at_least_once: commit interval 1000 ms, producer linger 5 ms, input fetch wait none");
        assertThat(StreamsScenario.appSettings(StreamsConfig.EXACTLY_ONCE_V2))
                .isEqualTo("exactly_once_v2: commit interval 40 ms, producer linger 80 ms, input fetch wait none");
    }
}
