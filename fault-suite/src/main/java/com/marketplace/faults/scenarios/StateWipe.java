package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.StatsCheck;
import com.marketplace.faults.Stack;
import com.marketplace.faults.TopicRecorder;
import com.marketplace.harness.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scenario 9: the streams app's state directory is deleted while it is down, and the instance is
 * restarted: it restores its stores from the changelogs, and must then answer the same statistics
 * (equal to those recomputed from SQL). The instance is stopped cleanly first, after which it would
 * keep its state (after a {@code kill -9} under exactly_once_v2 it discards the state itself, and the
 * deletion would change nothing). Recovery: from the restart until a statistics query answers; the
 * notes give the span of 503 answers.
 */
public final class StateWipe implements Scenario {

    @Override
    public String name() {
        return "streams-state-deleted";
    }

    @Override
    public boolean quick() {
        return false;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Checks checks = new Checks(name());
        Stack.Pipeline pipeline = stack.readyPipeline(1, Map.of());
        JarService gateway = pipeline.gateway();
        JarService streams = pipeline.streams();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED,
                Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS));
        Load.backlog(gateway, stack.scale().pick(1_000, 3_000), 6, Duration.ofMinutes(3));
        checks.check(Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(120)), "not delivered before the wipe");
        checks.check(statsAgree(stack, streams), "statistics wrong before the wipe");

        streams.signal(ManagedProcess.Signal.TERM);
        boolean stoppedCleanly = streams.process().awaitExit(Duration.ofSeconds(60));
        checks.check(stoppedCleanly,
                "the streams app did not stop within 60 s of SIGTERM before its state was deleted");
        if (!stoppedCleanly) {
            streams.kill();
        }
        deleteRecursively(stack.stateDir("streams"));
        long restartedAt = System.nanoTime();
        streams.start();
        long first503 = 0;
        long last503 = 0;
        long answered = 0;
        long deadline = restartedAt + Duration.ofSeconds(120).toNanos();
        while (answered == 0 && System.nanoTime() < deadline) {
            int status = streams.status("/api/v1/stats/status-counts");
            if (status == 503) {
                first503 = first503 == 0 ? System.nanoTime() : first503;
                last503 = System.nanoTime();
            } else if (status == 200) {
                answered = System.nanoTime();
            }
            Thread.sleep(50);
        }
        checks.check(answered > 0, "the restarted instance did not answer within 120 s");
        // compared once, not until they agree: nothing writes any more, so any difference is a wrong answer
        List<String> restored = answered > 0 ? StatsCheck.differences(stack, streams) : List.of();
        checks.check(restored.isEmpty(), "the first statistics answered after the restore differ from the database: "
                + StatsCheck.summary(restored));
        Duration recovery = answered == 0 ? null : Duration.ofNanos(answered - restartedAt);
        checks.note("restore: restart to first answer %s; 503 answers for %s", recovery == null ? "never"
                : RelayKill.seconds(recovery), first503 == 0 ? "0 s" : RelayKill.seconds(Duration.ofNanos(last503 - first503)));
        return checks.result(Audit.figures(stack, recorder, true), recovery);
    }

    private static boolean statsAgree(Stack stack, JarService streams) throws InterruptedException {
        return StatsCheck.awaitAgreement(stack, streams, Duration.ofSeconds(60)).isEmpty();
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
