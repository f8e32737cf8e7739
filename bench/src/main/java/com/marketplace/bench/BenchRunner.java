package com.marketplace.bench;

import com.marketplace.bench.gateway.GatewayScenario;
import com.marketplace.bench.pipeline.PipelineScenario;
import com.marketplace.bench.pipeline.PipelineSweepScenario;
import com.marketplace.bench.relay.CommitToAckScenario;
import com.marketplace.bench.relay.RelayDrainScenario;
import com.marketplace.bench.report.JfrSummary;
import com.marketplace.bench.report.ReportWriter;
import com.marketplace.bench.streams.StreamsScenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one benchmark entry point ({@code bench/run.sh}): runs every scenario, each with its
 * baseline, and writes the dated report with its plots and {@code latest.md}. A scenario that fails
 * is reported as failed and the others still run. After each scenario, the JFR files its JVMs wrote
 * into its work directory (with {@code -Dbench.jfr=true}) are summarised into its section. See
 * {@link BenchSettings} for the settings.
 */
public final class BenchRunner {

    private static final Logger log = LoggerFactory.getLogger(BenchRunner.class);

    private BenchRunner() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings settings = BenchSettings.fromSystemProperties();
        List<Scenario> scenarios = List.of(new GatewayScenario(), new RelayDrainScenario(), new CommitToAckScenario(),
                new PipelineScenario(), new PipelineSweepScenario(), new StreamsScenario());
        List<ScenarioResult> results = new ArrayList<>();
        long start = System.nanoTime();
        try (BenchEnvironment env = new BenchEnvironment(settings)) {
            for (Scenario scenario : scenarios) {
                if (!settings.runs(scenario)) {
                    continue;
                }
                log.info("Scenario {} starts", scenario.name());
                double speedBefore = MachineSpeed.referenceMillis();
                long t0 = System.nanoTime();
                ScenarioResult result;
                try {
                    result = scenario.run(env);
                } catch (Exception | AssertionError e) {
                    log.error("Scenario {} failed", scenario.name(), e);
                    result = ScenarioResult.failed(scenario.name(), e);
                }
                result.took((System.nanoTime() - t0) / 1e9);
                result.machineSpeed(speedBefore, MachineSpeed.referenceMillis());
                log.info("Scenario {} done in {} s", scenario.name(), Math.round(result.seconds()));
                result.profile(JfrSummary.ofDirectory(env.filesOf(scenario.name())));
                results.add(result);
            }
            Path report = new ReportWriter(env).write(results, (System.nanoTime() - start) / 1e9);
            log.info("Report written to {}", report);
        }
    }
}
