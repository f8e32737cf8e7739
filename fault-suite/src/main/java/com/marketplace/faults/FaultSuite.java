package com.marketplace.faults;

import com.marketplace.faults.scenarios.BrokerDown;
import com.marketplace.faults.scenarios.DatabaseDown;
import com.marketplace.faults.scenarios.DedupeStorePlateau;
import com.marketplace.faults.scenarios.GatewayKill;
import com.marketplace.faults.scenarios.LeaderBrokerKill;
import com.marketplace.faults.scenarios.PartialOrderPurged;
import com.marketplace.faults.scenarios.RelayKill;
import com.marketplace.faults.scenarios.RelayPause;
import com.marketplace.faults.scenarios.StateWipe;
import com.marketplace.faults.scenarios.StreamsFailover;
import com.marketplace.faults.scenarios.StreamsKill;
import com.marketplace.faults.scenarios.ThreeGateways;
import com.marketplace.faults.scenarios.HeldTransaction;
import com.marketplace.faults.scenarios.HttpFuzz;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs fault scenarios and prints the table of results. Arguments: scenario names to run (default:
 * all); system properties as in {@link Lab#shared()}. Exits 1 when any scenario failed.
 */
public final class FaultSuite {

    private FaultSuite() {
    }

    /** Every scenario, in the order the suite runs them. */
    public static List<Scenario> all() {
        return List.of(new RelayKill(), new GatewayKill(), new BrokerDown(), new DatabaseDown(),
                new DatabaseDown(DatabaseDown.Outage.PAUSED), new HeldTransaction(), new ThreeGateways(), new RelayPause(),
                new StreamsKill(), new StateWipe(), new LeaderBrokerKill(), new StreamsFailover(), new PartialOrderPurged(), new DedupeStorePlateau(), new HttpFuzz());
    }

    public static void main(String[] args) {
        Set<String> only = Set.of(args);
        List<Scenario> chosen = all().stream().filter(s -> only.isEmpty() || only.contains(s.name())).toList();
        if (chosen.isEmpty()) {
            System.err.println("no such scenario; known: " + all().stream().map(Scenario::name).toList());
            System.exit(2);
        }
        Lab lab = Lab.shared();
        List<ScenarioResult> results = new ArrayList<>();
        List<Duration> took = new ArrayList<>();
        long suiteStart = System.nanoTime();
        for (Scenario scenario : chosen) {
            long start = System.nanoTime();
            ScenarioResult result = lab.run(scenario);
            results.add(result);
            took.add(Duration.ofNanos(System.nanoTime() - start));
            System.out.println(result.details());
        }
        StringBuilder table = new StringBuilder("\nFault suite (" + lab.scale().name().toLowerCase(Locale.ROOT)
                + " scale)\n\n").append(ScenarioResult.header());
        results.forEach(r -> table.append(r.row()));
        table.append(String.format(Locale.ROOT, "%nwall time: %s (%s)%n",
                Checks.seconds(Duration.ofNanos(System.nanoTime() - suiteStart)),
                String.join(", ", java.util.stream.IntStream.range(0, results.size())
                        .mapToObj(i -> results.get(i).scenario() + " " + Checks.seconds(took.get(i))).toList())));
        System.out.println(table);
        results.forEach(r -> System.out.print(r.details()));
        lab.close();
        System.exit(results.stream().allMatch(ScenarioResult::passed) ? 0 : 1);
    }
}
