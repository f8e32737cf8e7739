package com.marketplace.faults.scenarios;

import com.marketplace.events.Topics;
import com.marketplace.faults.Audit;
import com.marketplace.faults.Checks;
import com.marketplace.faults.FaultThreads;
import com.marketplace.faults.JarService;
import com.marketplace.faults.Load;
import com.marketplace.faults.OrderClient;
import com.marketplace.faults.Scenario;
import com.marketplace.faults.ScenarioResult;
import com.marketplace.faults.Sql;
import com.marketplace.faults.Stack;
import com.marketplace.faults.StatsCheck;
import com.marketplace.faults.TopicRecorder;
import com.marketplace.harness.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 10: a cluster of three brokers, the pipeline's topics and the streams app's internal
 * topics at replication factor 3 with {@code min.insync.replicas} 2. Under a steady load of orders
 * walking through their statuses, the broker that leads the most partitions of
 * {@code marketplace.order.created} is killed with {@code kill -9} a third of the way in; the load
 * goes on, and the broker is started again two thirds of the way in and must rejoin every ISR.
 * Nothing may be lost, nothing doubled after dedupe, no order's events reordered, and the served
 * statistics must equal those recomputed from the database. Recovery: from the kill until every
 * event committed before it has its outputs (what the pipeline held at the kill came through).
 */
public final class LeaderBrokerKill implements Scenario {

    private static final Logger log = LoggerFactory.getLogger(LeaderBrokerKill.class);

    /** Set explicitly so the streams app's internal topics (named after it) can be checked. */
    private static final String APPLICATION_ID = "faults-leader-kill";
    private static final int BROKERS = 3;
    private static final int WORKERS = 3;
    /** Orders per second per worker; each order makes 2.6 events on average (StreamsKill's walks). */
    private static final double PER_WORKER_RATE = 8;
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(120);

    @Override
    public String name() {
        return "three-brokers-leader-kill-9";
    }

    @Override
    public boolean quick() {
        return false;
    }

    @Override
    public ScenarioResult run(Stack stack) throws Exception {
        Duration length = Duration.ofSeconds(stack.scale().pick(60, 150));
        Checks checks = new Checks(name());
        Stack.Pipeline pipeline = stack.readyPipeline(BROKERS, Map.of("APPLICATION_ID", APPLICATION_ID));
        KafkaCluster kafka = stack.kafka();
        JarService gateway = pipeline.gateway();
        JarService streams = pipeline.streams();
        TopicRecorder recorder = stack.record(List.of(Topics.ORDER_CREATED, Topics.ORDER_STATUS_CHANGED,
                Topics.EMAIL, Topics.NOTIFICATION, Topics.ANALYTICS));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            checkReplication(admin, checks);
            OrderClient client = new OrderClient(gateway.uri("/"));
            Outage outage = new Outage(stack, kafka, admin, recorder, length);
            Thread fault = FaultThreads.start("leader-kill", outage);
            try {
                Load.run(WORKERS, length, Load.paced(PER_WORKER_RATE, (worker, i) -> {
                    StreamsKill.createAndWalk(client, worker * 1_000_000L + i);
                    return true;
                }));
            } finally {
                FaultThreads.end(fault, FAILOVER_TIMEOUT.plus(RECOVERY_TIMEOUT).plus(REJOIN_TIMEOUT).plus(length),
                        checks);
            }

            boolean delivered = Audit.awaitDelivered(stack, recorder, true, Duration.ofSeconds(180));
            checks.check(delivered, "not every event and its outputs delivered within 180 s after the load");
            List<String> diffs = StatsCheck.awaitAgreement(stack, streams, Duration.ofSeconds(60));
            checks.check(diffs.isEmpty(), "served statistics differ from the database: " + StatsCheck.summary(diffs));
            outage.report(checks);
            return checks.result(Audit.figures(stack, recorder, true), outage.recovery);
        }
    }

    /** Every pipeline and internal topic at replication factor 3, the order topics with min.insync.replicas 2. */
    private static void checkReplication(Admin admin, Checks checks) throws Exception {
        List<String> topics = watchedTopics(admin);
        Map<String, TopicDescription> described = describe(admin, topics);
        List<String> under = described.values().stream()
                .filter(d -> d.partitions().stream().anyMatch(p -> p.replicas().size() != BROKERS))
                .map(TopicDescription::name).sorted().toList();
        checks.check(under.isEmpty(), "topics not at replication factor " + BROKERS + ": " + under);
        checks.check(topics.stream().anyMatch(t -> t.startsWith(APPLICATION_ID + "-")),
                "no internal topic of the streams app found");
        for (String topic : Topics.ORDER_EVENT_TOPICS) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String minIsr = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS)
                    .get(resource).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value();
            checks.check("2".equals(minIsr), topic + " has min.insync.replicas " + minIsr + ", not 2");
        }
        checks.note("replication factor %d on %d topics (pipeline and internal); order topics min.insync.replicas 2",
                BROKERS, topics.size());
    }

    /** The pipeline's topics and the streams app's internal topics. */
    private static List<String> watchedTopics(Admin admin) throws Exception {
        List<String> topics = new ArrayList<>(Topics.ORDER_EVENT_TOPICS);
        topics.addAll(Topics.OUTPUT_TOPICS);
        admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                .filter(t -> t.startsWith(APPLICATION_ID + "-")).sorted().forEach(topics::add);
        return topics;
    }

    private static Map<String, TopicDescription> describe(Admin admin, Collection<String> topics) throws Exception {
        return admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
    }

    /** Whether every partition of {@code topics} satisfies {@code ok}; false when the cluster cannot say. */
    private static boolean allPartitions(Admin admin, Collection<String> topics, Predicate<TopicPartitionInfo> ok) {
        try {
            return describe(admin, topics).values().stream().flatMap(d -> d.partitions().stream()).allMatch(ok);
        } catch (Exception e) {
            log.debug("describe topics failed: {}", e.toString());
            return false;
        }
    }

    /** The kill, the failover, the recovery and the rejoin, run beside the load; figures read after. */
    private static final class Outage implements Runnable {

        private final Stack stack;
        private final KafkaCluster kafka;
        private final Admin admin;
        private final TopicRecorder recorder;
        private final Duration length;
        private volatile int killed;
        private volatile long ledPartitions;
        private volatile int partitions;
        private volatile long eventsAtKill;
        private volatile Duration failover;
        private volatile Duration recovery;
        private volatile Duration rejoin;
        private volatile String error;

        Outage(Stack stack, KafkaCluster kafka, Admin admin, TopicRecorder recorder, Duration length) {
            this.stack = stack;
            this.kafka = kafka;
            this.admin = admin;
            this.recorder = recorder;
            this.length = length;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            try {
                Thread.sleep(length.toMillis() / 3);
                List<String> topics = watchedTopics(admin);
                Map<Integer, Long> leaders = describe(admin, List.of(Topics.ORDER_CREATED)).get(Topics.ORDER_CREATED)
                        .partitions().stream().collect(Collectors.groupingBy(p -> p.leader().id(), Collectors.counting()));
                killed = leaders.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                ledPartitions = leaders.get(killed);
                partitions = (int) leaders.values().stream().mapToLong(Long::longValue).sum();
                long lastIdAtKill = Sql.queryLong(stack, "SELECT MAX(id) FROM outbox_events");
                eventsAtKill = Sql.queryLong(stack, "SELECT COUNT(*) FROM outbox_events");
                long killedAt = System.nanoTime();
                kafka.kill(killed);
                log.info("Killed broker {}, leader of {} of {}'s partitions", killed, ledPartitions, Topics.ORDER_CREATED);
                if (Audit.Wait.until(FAILOVER_TIMEOUT, Duration.ofMillis(200), () -> allPartitions(admin, topics,
                        p -> p.leader() != null && p.leader().id() != killed))) {
                    failover = Duration.ofNanos(System.nanoTime() - killedAt);
                }
                if (Audit.Wait.until(RECOVERY_TIMEOUT, Duration.ofMillis(200), () -> delivered(lastIdAtKill))) {
                    recovery = Duration.ofNanos(System.nanoTime() - killedAt);
                }
                Thread.sleep(Math.max(0, (start + length.toNanos() * 2 / 3 - System.nanoTime()) / 1_000_000));
                long restartedAt = System.nanoTime();
                kafka.restart(killed);
                if (Audit.Wait.until(REJOIN_TIMEOUT, Duration.ofMillis(500),
                        () -> allPartitions(admin, topics, p -> p.isr().size() == BROKERS))) {
                    rejoin = Duration.ofNanos(System.nanoTime() - restartedAt);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = e.toString();
            } catch (Exception e) {
                log.error("Broker kill or restart failed", e);
                error = e.toString();
            }
        }

        private boolean delivered(long lastId) {
            try {
                return Audit.deliveredUpTo(stack, recorder, lastId);
            } catch (java.sql.SQLException e) {
                return false;
            }
        }

        void report(Checks checks) {
            checks.check(error == null, "broker kill or restart failed: " + error);
            checks.check(failover != null, "partitions still led by the killed broker " + Checks.seconds(FAILOVER_TIMEOUT)
                    + " after the kill");
            checks.check(recovery != null, "events committed before the kill not all through the pipeline "
                    + Checks.seconds(RECOVERY_TIMEOUT) + " after it");
            checks.check(rejoin != null, "the restarted broker not back in every ISR within " + Checks.seconds(REJOIN_TIMEOUT));
            checks.note("killed broker %d, leader of %d of %d partitions of %s, after %d events", killed, ledPartitions,
                    partitions, Topics.ORDER_CREATED, eventsAtKill);
            checks.note("leaders moved off it after %s; recovery = kill until every event committed before it had its "
                    + "outputs: %s; restarted broker in every ISR after %s", Checks.seconds(failover),
                    Checks.seconds(recovery), Checks.seconds(rejoin));
        }
    }
}
