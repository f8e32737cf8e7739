package com.marketplace.bench.pipeline;

import com.marketplace.bench.BenchEnvironment;
import com.marketplace.bench.ProcessMemory;
import com.marketplace.bench.gateway.RelayRounds;
import com.marketplace.events.Topics;
import com.marketplace.harness.HttpService;
import com.marketplace.harness.KafkaCluster;
import com.marketplace.harness.ManagedProcess;
import com.marketplace.harness.ProcessCpu;
import com.marketplace.kafka.embedded.FreePorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline under a steady load, every part a process of its own as a user runs it: a
 * Kafka broker ({@code kafka.Kafka}), the order-gateway jar with its relay, one streams-app jar
 * ({@code exactly_once_v2}) and MariaDB. Everything starts cold (or, with {@code bench.servicesRestarted},
 * the services are started a second time on a broker and a database that served a first start for
 * {@value #FIRST_START_SECONDS} s of the same load, as a deployment of new versions meets them); as soon
 * as both services are ready an open-loop client sends {@code bench.rate} orders/s for {@code bench.seconds}, and a
 * {@code read_committed} consumer times each order's records from the moment its 201 arrived:
 * 201 → {@code marketplace.order.created} (the relay) and 201 → {@code marketplace.email} (end to end).
 * CPU is read per process from {@code /proc} over the load window.
 *
 * <p>Settings (system properties): {@code bench.rate} [200], {@code bench.seconds} [90],
 * {@code bench.dbUrl} [jdbc:mariadb://127.0.0.1:3306/marketplace_pipeline_bench] (dropped and created
 * anew; MariaDB Connector/J, as in the gateway scenario), {@code bench.dbUser} [root], {@code bench.dbPassword} [empty], {@code bench.jars} [.] the
 * directory holding {@code order-gateway/target} and {@code streams-app/target}, {@code bench.workDir}
 * [bench/target/pipeline-bench] when run on its own (in {@code bench/run.sh} the scenario's work
 * directory under {@code bench/target/bench-run}), {@code bench.jfr} [false] records a JFR profile
 * in every JVM, {@code bench.gateway.env.X} / {@code bench.streams.env.X} extra environment variables,
 * {@code bench.broker.X} broker properties.
 */
public final class PipelineBenchmark {

    private static final Logger log = LoggerFactory.getLogger(PipelineBenchmark.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** How long the first start of the services runs under load before they are restarted, in seconds. */
    static final int FIRST_START_SECONDS = 90;

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PipelineResult result = run(PipelineSettings.fromSystemProperties());
        System.out.println(result.toMarkdown());
    }

    /** Starts everything, runs the load, stops everything; returns the measurements. */
    public static PipelineResult run(PipelineSettings s) throws Exception {
        // the load client is measured too (its CPU is in the report), but its own JIT warm-up is not the
        // pipeline's: 10 s against a stub before a run of a minute or more, 3 s before a short one
        OpenLoopOrders.warmUp(s.rate(), Duration.ofSeconds(Math.max(3, Math.min(10, s.seconds() / 6))));
        return withPipeline(s, pipeline -> measure(pipeline, s).withMemory(pipeline.memoryMb()));
    }

    /** What to do with a started pipeline. */
    @FunctionalInterface
    public interface Load<T> {
        T apply(Running pipeline) throws Exception;
    }

    /**
     * A pipeline that is ready: its processes by name (gateway, broker, streams-app), the shared
     * MariaDB's pid when it runs here, the two services, and the consumer that times records on
     * {@code marketplace.order.created} and {@code marketplace.email} (started before any load).
     */
    public record Running(Duration startup, Map<String, ManagedProcess> processes, Optional<Long> mariadb,
            HttpService gatewayService, HttpService streamsService, RecordArrivals arrivals) {

        /** The gateway's base URI. */
        public URI gateway() {
            return gatewayService.uri("/");
        }

        /** Heap in use and resident set of the gateway and the streams app now, in MiB. */
        public Map<String, Double> memoryMb() {
            Map<String, Double> memory = new LinkedHashMap<>();
            for (String name : List.of("gateway", "streams-app")) {
                long pid = processes.get(name).pid();
                memory.put(name + " heap in use", ProcessMemory.heapUsedMb(pid));
                memory.put(name + " RSS", ProcessMemory.rssMb(pid));
            }
            return memory;
        }
    }

    /**
     * Recreates the work directory and the database, starts broker, gateway and streams app cold,
     * waits until both services are ready, hands them to {@code load} and stops everything after it.
     * With {@link PipelineSettings#servicesRestarted()} the services handed to {@code load} are a second
     * start: a first one serves the load for {@value #FIRST_START_SECONDS} s and stops, and the second
     * opens the same database, topics, consumer group and streams state directory.
     */
    public static <T> T withPipeline(PipelineSettings s, Load<T> load) throws Exception {
        Path work = s.workDir();
        deleteRecursively(work);
        Files.createDirectories(work);
        recreateDatabase(s);
        long coldStart = System.nanoTime();
        try (KafkaCluster kafka = KafkaCluster.start(work.resolve("kafka"), 1, s.brokerProperties(), jvm(s, work, "kafka"))) {
            if (s.servicesRestarted()) {
                runFirstStart(s, kafka, work);
                coldStart = System.nanoTime();
            }
            return withServices(s, kafka, work, coldStart, load);
        }
    }

    private static <T> T withServices(PipelineSettings s, KafkaCluster kafka, Path work, long coldStart, Load<T> load)
            throws Exception {
        try (HttpService gateway = startGateway(s, kafka, work, "gateway");
                HttpService streams = startStreams(s, kafka, work, "streams-app")) {
            gateway.awaitReady(READY_TIMEOUT);
            streams.awaitReady(READY_TIMEOUT);
            Duration startup = Duration.ofNanos(System.nanoTime() - coldStart);
            log.info("Pipeline ready {} ms after the {} started", startup.toMillis(),
                    s.servicesRestarted() ? "services were" : "broker was");
            Map<String, ManagedProcess> processes = new LinkedHashMap<>();
            processes.put("gateway", gateway.process());
            processes.put("broker", kafka.node(1));
            processes.put("streams-app", streams.process());
            try (RecordArrivals arrivals = new RecordArrivals(kafka.bootstrapServers(),
                    List.of(Topics.ORDER_CREATED, Topics.EMAIL))) {
                arrivals.start();
                return load.apply(new Running(startup, processes, mariadbPid(), gateway, streams, arrivals));
            }
        }
    }

    /**
     * One load window on a running pipeline: {@code s.rate()} orders/s for {@code s.seconds()}, CPU
     * per process over the window and per {@value PipelineResult#PHASE_SECONDS} s period, then waits
     * until every created order has reached {@code marketplace.email} (at most 60 s) so that a
     * following window starts without this one's backlog. Records are matched to orders by order id,
     * so a window's figures hold only its own orders.
     */
    public static PipelineResult measure(Running pipeline, PipelineSettings s) throws InterruptedException {
        CpuWindow cpu = CpuWindow.begin(pipeline.processes(), pipeline.mariadb());
        List<CpuWindow.Usage> cpuTimeline = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        CpuWindow[] period = {CpuWindow.begin(pipeline.processes(), pipeline.mariadb())};
        sampler.scheduleAtFixedRate(() -> {
            cpuTimeline.add(period[0].end());
            period[0] = CpuWindow.begin(pipeline.processes(), pipeline.mariadb());
        }, PipelineResult.PHASE_SECONDS, PipelineResult.PHASE_SECONDS, TimeUnit.SECONDS);
        RelayRounds roundsBefore = RelayRounds.of(pipeline.gatewayService());
        KafkaRequests requestsBefore = KafkaRequests.of(pipeline.gatewayService(), pipeline.streamsService(),
                pipeline.arrivals());
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        List<OpenLoopOrders.Sent> sent;
        try {
            sent = new OpenLoopOrders(pipeline.gateway()).run(s.rate(), Duration.ofSeconds(s.seconds()), start);
        } finally {
            sampler.shutdownNow();
        }
        CpuWindow.Usage usage = cpu.end();
        // without every order through, the window would end at the wait's timeout: no figure
        CpuWindow.Usage drained = awaitArrivals(pipeline.arrivals(), sent) ? cpu.end() : null;
        RelayRounds rounds = RelayRounds.of(pipeline.gatewayService()).minus(roundsBefore);
        KafkaRequests requests = KafkaRequests.of(pipeline.gatewayService(), pipeline.streamsService(),
                pipeline.arrivals()).minus(requestsBefore);
        return PipelineResult.of(s, pipeline.startup(), start, sent, pipeline.arrivals(), usage, drained, cpuTimeline,
                Map.of(), rounds, requests);
    }

    /**
     * The services' first start: both ready, the load for {@value #FIRST_START_SECONDS} s, every created
     * order through to the email topic, then both stopped as a deployment stops them (SIGTERM). Their
     * logs (and JFR files) are named {@code *-first-start}.
     */
    private static void runFirstStart(PipelineSettings s, KafkaCluster kafka, Path work) throws Exception {
        try (HttpService gateway = startGateway(s, kafka, work, "gateway-first-start");
                HttpService streams = startStreams(s, kafka, work, "streams-app-first-start")) {
            gateway.awaitReady(READY_TIMEOUT);
            streams.awaitReady(READY_TIMEOUT);
            try (RecordArrivals arrivals = new RecordArrivals(kafka.bootstrapServers(), List.of(Topics.EMAIL))) {
                arrivals.start();
                List<OpenLoopOrders.Sent> sent = new OpenLoopOrders(gateway.uri("/")).run(s.rate(),
                        Duration.ofSeconds(FIRST_START_SECONDS), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50));
                awaitArrivals(arrivals, sent);
                log.info("First start of the services created {} orders; restarting them",
                        sent.stream().filter(OpenLoopOrders.Sent::created).count());
            }
        }
    }

    private static HttpService startGateway(PipelineSettings s, KafkaCluster kafka, Path work, String name) {
        int port = FreePorts.next();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
        env.put("DB_URL", s.dbUrl());
        env.put("DB_USER", s.dbUser());
        env.put("DB_PASSWORD", s.dbPassword());
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.putAll(s.gatewayEnv());
        return HttpService.start(name, s.jars().resolve("order-gateway/target/order-gateway.jar"), port, env,
                jvm(s, work, name), work);
    }

    private static HttpService startStreams(PipelineSettings s, KafkaCluster kafka, Path work, String name) {
        int port = FreePorts.next();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTP_HOST", "127.0.0.1"); // reached at 127.0.0.1, whatever the environment exports
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("APPLICATION_SERVER", "127.0.0.1:" + port);
        env.put("STATE_DIR", work.resolve("streams-state").toAbsolutePath().toString());
        env.putAll(s.streamsEnv());
        return HttpService.start(name, s.jars().resolve("streams-app/target/streams-app.jar"), port, env,
                jvm(s, work, name), work);
    }

    private static List<String> jvm(PipelineSettings s, Path work, String name) {
        return BenchEnvironment.jvmOptions(work, name, s.jfr());
    }

    /** Waits until every order of {@code sent} that was created has reached the email topic, or the drain timeout passes. */
    /** Whether every created order reached {@code marketplace.email} within {@link #DRAIN_TIMEOUT}. */
    private static boolean awaitArrivals(RecordArrivals arrivals, List<OpenLoopOrders.Sent> sent)
            throws InterruptedException {
        List<Long> created = sent.stream().filter(OpenLoopOrders.Sent::created).map(OpenLoopOrders.Sent::orderId).toList();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        int from = 0;
        while (System.nanoTime() < deadline) {
            while (from < created.size() && arrivals.seen(Topics.EMAIL, created.get(from)) != null) {
                from++;
            }
            if (from == created.size()) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** The pid of the MariaDB server on port 3306 (the one started without its own --port), if it runs here. */
    static Optional<Long> mariadbPid() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).stream().noneMatch(x -> x.startsWith("--port")))
                        .orElse(true))
                .map(ProcessHandle::pid)
                .findFirst();
    }

    private static void recreateDatabase(PipelineSettings s) throws Exception {
        String url = s.dbUrl();
        int slash = url.indexOf('/', url.indexOf("://") + 3);
        String server = url.substring(0, slash + 1);
        String name = url.substring(slash + 1).split("[?;]")[0];
        try (Connection conn = DriverManager.getConnection(server, s.dbUser(), s.dbPassword());
                Statement st = conn.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS `" + name + "`");
            st.execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Latencies in microseconds, up to an hour, 3 significant digits. */
    static Histogram newHistogram() {
        return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
    }

    static double cpuOf(long pid) {
        return ProcessCpu.seconds(pid);
    }
}
