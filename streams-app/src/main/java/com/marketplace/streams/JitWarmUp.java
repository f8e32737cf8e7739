package com.marketplace.streams;

import com.marketplace.events.EventCodec;
import com.marketplace.events.EventEnvelope;
import com.marketplace.events.OrderCreated;
import com.marketplace.events.OrderItem;
import com.marketplace.events.OrderStatus;
import com.marketplace.events.OrderStatusChanged;
import com.marketplace.events.Topics;
import com.marketplace.streams.config.StreamsAppConfig;
import com.marketplace.streams.topology.OrderTopology;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs synthetic order events through this instance's own topology before it reports ready, so
 * that the JIT has compiled the stream thread's hot path (decoding, dedupe, statistics, the fan-out's
 * JSON, the record cache, RocksDB and Kafka Streams' processing loop) before the first real event.
 *
 * <p>Why: started cold next to a broker and a gateway on a small machine, the stream thread ran
 * interpreted and C1-profiled code for its first half-minute, at some 25 times the CPU per event of
 * warm code, while the other JVMs' compilers held the cores; at 200 orders/s it fell about 20 s
 * behind ({@code docs/benchmarks/pipeline-tuning.md}). With the hot path compiled first it keeps up.
 *
 * <p>How: a {@link TopologyTestDriver} of Kafka Streams' test utilities, on a thread of its own begun
 * at start and run alongside the topic check and the group join, with its own application id and a
 * state directory of its own under {@code STATE_DIR} (deleted afterwards), no broker and nothing
 * shared with the instance's real stores or topics: only the JIT's compiled code is kept. The events
 * are orders of one to three items that walk through their statuses, with a tenth sent twice.
 * {@code JIT_WARMUP_EVENTS} sets how many (0: none); a warm-up longer than {@link #MAX_TIME} stops
 * there, and so does one the instance's first real events overtake (a restart with a backlog: those
 * warm the same code). Until it ends the instance reports not ready; Kafka Streams starts
 * regardless, so a restarted instance answers queries as soon as its stores are up. A warm-up that
 * fails says so in one WARN and only costs the warmth.
 */
final class JitWarmUp {

    /**
     * The directory under {@code STATE_DIR} that holds the warm-ups' state directories, and nothing
     * else: the instance's own state sits beside it under its application id, which no clean-up here
     * may touch whatever that id is.
     */
    static final String DIRECTORY = ".jit-warm-up";
    /** Prefix of each warm-up's state directory in {@link #DIRECTORY}. */
    static final String DIRECTORY_PREFIX = "run-";
    /** The longest a warm-up may take before it stops early (a very slow or crowded machine). */
    static final Duration MAX_TIME = Duration.ofSeconds(30);
    /** How often the warm-up asks whether real events have overtaken it. */
    private static final Duration CHECK_EVERY = Duration.ofMillis(200);
    /** A period over which the compilers must be nearly idle for the warm-up to end. */
    private static final Duration QUIET = Duration.ofSeconds(1);
    /** The longest a stop waits for a warm-up in progress to end. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /** A warm-up directory older than this was left by a process that died while warming up. */
    private static final Duration STALE = Duration.ofMinutes(10);
    private static final Instant FIRST_EVENT = Instant.parse("2026-01-01T00:00:00Z");
    /** Orders in progress at a time: their creations and status changes interleave as live ones do. */
    private static final int ORDERS_PER_WAVE = 50;
    /** The status walks after creation, by order number modulo their count. */
    private static final List<List<OrderStatus>> WALKS = List.of(
            List.of(OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED),
            List.of(OrderStatus.CANCELLED),
            List.of(OrderStatus.PAID, OrderStatus.CANCELLED),
            List.of(OrderStatus.PAID, OrderStatus.SHIPPED));

    private static final Logger log = LoggerFactory.getLogger(JitWarmUp.class);

    private final int events;
    private final AtomicInteger piped = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Records the topology wrote, by topic (outputs and changelogs): what the warm-up went through. */
    private final Map<String, Long> written = new ConcurrentHashMap<>();
    private final BooleanSupplier realEvents;
    private final AtomicBoolean overtaken = new AtomicBoolean();
    /** When {@code realEvents} was last asked; only the warm-up's thread reads and writes it. */
    private long lastCheck = System.nanoTime();
    private final StartupWork work;

    private JitWarmUp(StreamsAppConfig config, RocksDbLibrary rocksDb, BooleanSupplier realEvents) {
        this.events = config.jitWarmUpEvents();
        this.realEvents = realEvents;
        this.work = events == 0 ? null : StartupWork.begin("jit-warm-up", () -> warmUp(config, rocksDb));
    }

    /**
     * Begins the warm-up on a daemon thread, once RocksDB's library is loaded; with
     * {@code JIT_WARMUP_EVENTS=0} there is nothing to do and it is done at once. It ends early once
     * {@code realEvents} says the instance has processed real events: they warm the same code, and a
     * restarted instance with a backlog needs the CPU for it.
     */
    static JitWarmUp begin(StreamsAppConfig config, RocksDbLibrary rocksDb, BooleanSupplier realEvents) {
        return new JitWarmUp(config, rocksDb, realEvents);
    }

    /** Whether the warm-up has ended (or was never to run). */
    boolean done() {
        return work == null || work.isDone();
    }

    /** Events run through so far, of {@link #events()}. */
    int piped() {
        return piped.get();
    }

    /** Whether real events arrived while it ran, and ended it. */
    boolean overtaken() {
        return overtaken.get();
    }

    int events() {
        return events;
    }

    /** Records the topology wrote during the warm-up, by topic. */
    Map<String, Long> written() {
        return Map.copyOf(written);
    }

    /**
     * Asks a warm-up in progress to end after the event it is on, and waits at most {@link #STOP_WAIT}
     * for it to end and delete its directory: a stopping JVM would otherwise halt in the middle of it.
     */
    void stop() {
        stop.set(true);
        if (work != null && !work.awaitEnd(STOP_WAIT)) {
            log.warn("JIT warm-up did not end within {} of the stop; its directory is left to the next start",
                    STOP_WAIT);
        }
    }

    private void warmUp(StreamsAppConfig config, RocksDbLibrary rocksDb) {
        long start = System.nanoTime();
        Path dir = null;
        try {
            rocksDb.await();
            Path warmUps = Files.createDirectories(config.stateDir().resolve(DIRECTORY));
            deleteStale(warmUps);
            dir = Files.createTempDirectory(warmUps, DIRECTORY_PREFIX);
            run(config.withKafka("jit-warm-up.invalid:9092", dir).withApplicationId("jit-warm-up"), start);
            long ran = System.nanoTime();
            awaitCompilations(start + MAX_TIME.toNanos());
            log.info("JIT warm-up{}: {} synthetic events through the topology in {} ms, then {} ms for the compilers to finish",
                    stop.get() ? " stopped with the instance" : overtaken.get() ? " ended by the first real events" : "",
                    piped.get(), (ran - start) / 1_000_000, (System.nanoTime() - ran) / 1_000_000);
            long deadLetters = written.getOrDefault(Topics.DLQ, 0L);
            if (deadLetters > 0) {
                log.warn("JIT warm-up: {} of its synthetic events were dead-lettered, so it warmed less of the topology",
                        deadLetters);
            }
        } catch (IOException | RuntimeException | Error e) {
            // an Error too is said here: nothing awaits the warm-up's outcome, and the instance goes on without it
            log.warn("JIT warm-up failed after {} events, starting without it: {}", piped.get(), e.toString());
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    private void run(StreamsAppConfig warm, long start) {
        long deadline = start + MAX_TIME.toNanos();
        try (TopologyTestDriver driver = new TopologyTestDriver(OrderTopology.build(warm), warm.toStreamsProperties(),
                FIRST_EVENT)) {
            TestInputTopic<String, byte[]> created = driver.createInputTopic(Topics.ORDER_CREATED,
                    new StringSerializer(), new ByteArraySerializer());
            TestInputTopic<String, byte[]> changed = driver.createInputTopic(Topics.ORDER_STATUS_CHANGED,
                    new StringSerializer(), new ByteArraySerializer());
            long firstOrder = 1;
            while (piped.get() < events && !ended() && System.nanoTime() - deadline < 0) {
                for (EventEnvelope event : wave(firstOrder, piped.get())) {
                    if (piped.get() >= events || stop.get()) {
                        break;
                    }
                    Instant at = event.occurredAt();
                    byte[] value = EventCodec.INSTANCE.encode(event);
                    TestInputTopic<String, byte[]> topic = event.payload() instanceof OrderCreated ? created : changed;
                    topic.pipeInput(event.key(), value, at);
                    piped.incrementAndGet();
                    if (piped.get() % 10 == 0 && piped.get() < events) {
                        topic.pipeInput(event.key(), value, at); // the same event again, as a relay may resend it
                        piped.incrementAndGet();
                    }
                }
                firstOrder += ORDERS_PER_WAVE;
                // the driver keeps every output record until read; count and drop them
                driver.producedTopicNames().forEach(name -> written.merge(name, (long) driver.createOutputTopic(name,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList().size(), Long::sum));
            }
        }
    }

    /** Whether the warm-up was asked to stop or real events have overtaken it (asked every {@link #CHECK_EVERY}). */
    private boolean ended() {
        long now = System.nanoTime();
        if (!stop.get() && !overtaken.get() && now - lastCheck >= CHECK_EVERY.toNanos()) {
            lastCheck = now;
            if (realEvents.getAsBoolean()) {
                overtaken.set(true);
            }
        }
        return stop.get() || overtaken.get();
    }

    /**
     * Waits until the JIT compilers of this JVM have worked off what the warm-up queued: until they
     * compiled for less than a twentieth of {@link #QUIET} over one such period, or until
     * {@code deadline}. Without it the instance would report ready while the hottest methods were
     * still waiting in the compile queue, on a machine busy with other JVMs' start-up.
     */
    private void awaitCompilations(long deadline) {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long last = compiler.getTotalCompilationTime();
        while (!ended() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(QUIET.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = compiler.getTotalCompilationTime();
            if (now - last < QUIET.toMillis() / 20) {
                return;
            }
            last = now;
        }
    }

    /**
     * The events of orders {@code first} .. {@code first + ORDERS_PER_WAVE - 1}: every creation, then
     * every order's first status change, then the second, and so on.
     */
    private static List<EventEnvelope> wave(long first, int eventsBefore) {
        List<EventEnvelope> wave = new ArrayList<>();
        List<OrderCreated> orders = new ArrayList<>();
        for (long id = first; id < first + ORDERS_PER_WAVE; id++) {
            Instant at = FIRST_EVENT.plusMillis((eventsBefore + wave.size()) * 5L);
            OrderCreated order = order(id, at);
            orders.add(order);
            wave.add(EventEnvelope.of(UUID.randomUUID(), at, order));
        }
        for (int step = 0; step < 3; step++) {
            for (OrderCreated order : orders) {
                List<OrderStatus> walk = WALKS.get((int) (order.orderId() % WALKS.size()));
                if (step < walk.size()) {
                    OrderStatus from = step == 0 ? OrderStatus.PENDING : walk.get(step - 1);
                    Instant at = FIRST_EVENT.plusMillis((eventsBefore + wave.size()) * 5L);
                    wave.add(EventEnvelope.of(UUID.randomUUID(), at, new OrderStatusChanged(order.orderId(),
                            order.orderNumber(), order.buyerId(), order.buyerEmail(), order.sellerIds(), from,
                            walk.get(step), order.totalAmount(), order.currency(), at)));
                }
            }
        }
        return wave;
    }

    private static OrderCreated order(long id, Instant at) {
        int count = 1 + (int) (id % 3);
        List<OrderItem> items = new ArrayList<>();
        List<Long> sellers = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < count; i++) {
            long seller = 1 + (id * 7 + i * 101) % 400;
            OrderItem item = new OrderItem(1_000 + (id + i) % 5_000, seller, 1 + (int) ((id + i) % 4),
                    BigDecimal.valueOf(100 + (id * 37 + i) % 90_000, 2));
            items.add(item);
            total = total.add(item.lineTotal());
            if (!sellers.contains(seller)) {
                sellers.add(seller);
            }
        }
        sellers.sort(Comparator.naturalOrder());
        long buyer = 1 + id % 5_000;
        return new OrderCreated(id, "ORD-W" + id, buyer, "buyer" + buyer + "@example.com", List.copyOf(sellers),
                List.copyOf(items), total, "KRW", OrderStatus.PENDING, at);
    }

    /** Deletes warm-up directories that a process which died while warming up left in {@code warmUps}. */
    private static void deleteStale(Path warmUps) throws IOException {
        FileTime staleBefore = FileTime.from(Instant.now().minus(STALE));
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(warmUps, DIRECTORY_PREFIX + "*")) {
            for (Path leftover : leftovers) {
                if (Files.getLastModifiedTime(leftover).compareTo(staleBefore) < 0) {
                    delete(leftover);
                }
            }
        }
    }

    private static void delete(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            log.warn("could not delete the JIT warm-up's directory {}: {}", dir, e.toString());
        }
    }
}
