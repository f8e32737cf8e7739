package com.marketplace.gateway;

import com.marketplace.config.StartupFailure;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.DatabaseHealth;
import com.marketplace.gateway.db.Migrations;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.events.EventCodec;
import com.marketplace.gateway.http.AdminController;
import com.marketplace.gateway.http.ErrorMapper;
import com.marketplace.gateway.http.JsonBodyReader;
import com.marketplace.gateway.http.OrderController;
import com.marketplace.gateway.http.Routes;
import com.marketplace.http.ApiJson;
import com.marketplace.kafka.topics.CoPartitioningException;
import com.marketplace.http.ApiServer;
import com.marketplace.http.Readiness;
import com.marketplace.http.StopDelay;
import com.marketplace.gateway.metrics.MicrometerOrderMetrics;
import com.marketplace.gateway.order.IdempotencyKeyExpiry;
import com.marketplace.gateway.order.OrderService;
import com.marketplace.gateway.order.jdbc.JdbcIdempotencyRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderIdBlocks;
import com.marketplace.gateway.order.jdbc.JdbcOrderRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderTransactions;
import com.marketplace.gateway.outbox.OutboxAdmin;
import com.marketplace.gateway.outbox.OutboxHandoff;
import com.marketplace.gateway.outbox.OutboxModule;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.marketplace.gateway.outbox.OutboxTransactions;
import com.marketplace.gateway.outbox.RelaySettings;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.jdbc.JdbcOutboxTransactions;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway wired together: schema migrated, order service, HTTP server (not yet started).
 * Tests build it on their own data source and start it on port 0.
 */
public final class GatewayApp {

    private static final Logger log = LoggerFactory.getLogger(GatewayApp.class);

    private final GatewayConfig config;
    private final DataSource dataSource;
    private final HikariDataSource ownedDataSource;
    private final PrometheusMeterRegistry meterRegistry;
    private final OrderService orderService;
    private final IdempotencyKeyExpiry idempotencyKeyExpiry;
    private final OutboxModule outbox;
    private final OutboxAdmin outboxAdmin;
    private final DatabaseHealth database;
    private final StopDelay stopDelay;
    private boolean stopped;
    /** Counted down when {@link #stop()} has run, or when the outbox relay stopped on a failure. */
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean relayFailed;
    private final Javalin javalin;

    private GatewayApp(GatewayConfig config, DataSource dataSource, HikariDataSource ownedDataSource,
                       OutboxNotifier notifier) {
        this.config = Objects.requireNonNull(config, "config");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.ownedDataSource = ownedDataSource;
        this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Migrations.migrate(dataSource);
        Transactions tx = ownedDataSource == null ? new Transactions(dataSource)
                : onOwnPool(ownedDataSource, meterRegistry);
        // the upkeep's statements (the outbox's cleanup and counts, the keys' expiry) may rightly run longer
        Transactions upkeep = ownedDataSource == null ? tx
                : tx.withRoundTripTimeout(DataSources.UPKEEP_STATEMENT_TIMEOUT);
        OutboxTransactions outboxStore = new JdbcOutboxTransactions(tx, new JdbcOutboxRepository());
        OutboxTransactions upkeepStore = new JdbcOutboxTransactions(upkeep, new JdbcOutboxRepository());
        this.outbox = config.relayEnabled() ? outboxModule(config, outboxStore, upkeepStore, meterRegistry) : null;
        try {
            if (outbox != null) {
                outbox.relayFailure().thenRun(() -> {
                    relayFailed = true;
                    terminated.countDown();
                });
            }
            OutboxNotifier relayNotifier = outbox == null ? OutboxNotifier.NONE : outbox.notifier();
            // the order transactions tell the relay themselves what they wrote (OutboxHandoff), unless
            // OUTBOX_WAKE_ON_COMMIT=false leaves every row to the relay's poll
            OutboxHandoff handoff = outbox == null || !config.outboxWakeOnCommit() ? OutboxHandoff.NONE
                    : outbox.handoff();
            this.orderService = new OrderService(orderTransactions(tx, handoff), new JdbcOrderIdBlocks(tx), notifier,
                    new MicrometerOrderMetrics(meterRegistry));
            this.idempotencyKeyExpiry = new IdempotencyKeyExpiry(orderTransactions(upkeep, OutboxHandoff.NONE),
                    config.idempotencyKeyRetention(), Clock.systemUTC());
            this.outboxAdmin = new OutboxAdmin(outboxStore, relayNotifier);
            this.database = new DatabaseHealth(dataSource);
            this.stopDelay = new StopDelay(config.shutdownDelay(), this::readiness);
            this.javalin = createJavalin();
        } catch (RuntimeException | Error e) {
            // the relay's producer is running, its loops are not: closing the module stops what there is
            if (outbox != null) {
                StartupFailure.closeAddingTo(e, outbox::close);
            }
            throw e;
        }
    }

    /**
     * Ready while the database answers, unless the relay has stopped on a failure: this instance's
     * orders would then wait for another instance's relay, or for its restart.
     */
    private Readiness readiness() {
        if (relayFailed) {
            return Readiness.down("the outbox relay stopped after a failure");
        }
        return database.isReachable() ? Readiness.up(Map.of()) : Readiness.down("database is not reachable");
    }

    /** The relay and its upkeep for this instance; each instance has its own relay id. */
    private static OutboxModule outboxModule(GatewayConfig config, OutboxTransactions outboxStore,
            OutboxTransactions upkeepStore, PrometheusMeterRegistry registry) {
        String relayId = "gateway-" + UUID.randomUUID().toString().substring(0, 8);
        RelaySettings settings = RelaySettings.of(relayId, config.outboxBatchSize(), config.outboxPollInterval(),
                config.outboxMaxAttempts()).withLease(config.outboxLease());
        Properties kafka = config.kafkaClientProperties();
        kafka.put("client.id", relayId);
        return OutboxModule.create(outboxStore, upkeepStore, registry, settings, config.outboxRetention(), kafka,
                config.topicPartitions(), config.topicReplicationFactor(), Clock.systemUTC());
    }

    /**
     * Transactions on the pool this app built: the ones beyond its connections wait to be admitted in
     * front of it rather than inside it ({@link Transactions#onPool}), and {@code db_transactions_waiting}
     * counts them.
     */
    private static Transactions onOwnPool(HikariDataSource pool, PrometheusMeterRegistry registry) {
        Transactions transactions = Transactions.onPool(pool);
        Gauge.builder("db.transactions.waiting", transactions, Transactions::waiting)
                .description("Transactions waiting for one of the database pool's connections")
                .register(registry);
        return transactions;
    }

    /** The production wiring: a pool on {@code DB_URL}, owned and closed by this app. */
    public static GatewayApp create(GatewayConfig config) {
        HikariDataSource pool = DataSources.create(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPoolSize());
        try {
            return new GatewayApp(config, pool, pool, OutboxNotifier.NONE);
        } catch (RuntimeException | Error e) {
            StartupFailure.closeAddingTo(e, pool::close);
            throw e;
        }
    }

    /**
     * Wiring on a data source the caller owns (and closes), with the given outbox notifier. The data
     * source is used as it is: transactions wait for its connections inside it.
     */
    public static GatewayApp create(GatewayConfig config, DataSource dataSource, OutboxNotifier notifier) {
        return new GatewayApp(config, dataSource, null, notifier);
    }

    private static JdbcOrderTransactions orderTransactions(Transactions tx, OutboxHandoff handoff) {
        return new JdbcOrderTransactions(tx, new JdbcOrderRepository(),
                new JdbcIdempotencyRepository(), new JdbcOutboxRepository(), handoff);
    }

    private Javalin createJavalin() {
        ApiJson json = new ApiJson(EventCodec.newMapper());
        OrderController orders = new OrderController(orderService, new JsonBodyReader(json), json);
        AdminController admin = new AdminController(outboxAdmin, config.adminToken(), json);
        ApiServer server = ApiServer.with(json, meterRegistry)
                .maxRequestBytes(JsonBodyReader.MAX_BODY_BYTES)
                .readiness(stopDelay::readiness);
        ErrorMapper errors = new ErrorMapper(server.problems());
        return server.routes(routes -> {
            errors.register(routes);
            Routes.register(routes, orders, admin);
        }).build();
    }

    /** Starts HTTP on the configured port. */
    public GatewayApp start() {
        return start(config.httpPort());
    }

    /**
     * With the relay enabled, first creates the order topics when missing and checks their
     * co-partitioning; then starts HTTP on {@code port} (0 = a free port, see {@link #port()}) and the relay.
     *
     * @throws CoPartitioningException when the two order topics have different partition counts;
     *         nothing is started, and the relay's producer, the database check's thread and a pool this
     *         app owns are closed, as they are (with HTTP and the idempotency keys' expiry stopped) on
     *         any other failure of the start:
     *         topics the brokers refuse ({@code TopicsRefusedException}), a port that cannot be bound,
     *         a relay that cannot start
     * @throws IllegalStateException   when {@link #stop()} came first; a stop called while this runs
     *                                 waits for it to end
     */
    public synchronized GatewayApp start(int port) {
        if (stopped) {
            throw new IllegalStateException("stopped before it started");
        }
        try {
            if (outbox != null) {
                outbox.prepareTopics();
            }
            ApiServer.start(javalin, config.httpHost(), port);
            log.info("Order gateway listening on port {} ({})", javalin.port(),
                    config.httpHost().map(host -> "on " + host).orElse("every interface"));
            idempotencyKeyExpiry.start();
            startRelayIfEnabled();
        } catch (RuntimeException | Error e) { // an Error too: a thread the JVM could not create, say
            closeAfterFailedStart(e);
            throw e;
        }
        return this;
    }

    /**
     * Closes what {@link #start(int)} built and may not leave running when it fails: HTTP (nothing to
     * do unless it started, or half started), then the idempotency keys' expiry, the relay's producer,
     * the database check's thread and an owned pool. Their failures are added to {@code cause}.
     */
    private void closeAfterFailedStart(Throwable cause) {
        stopped = true; // what it built is closed: it does not start again, and a stop has nothing left to do
        StartupFailure.closeAddingTo(cause, () -> ApiServer.stop(javalin));
        StartupFailure.closeAddingTo(cause, this::closeBackgroundParts);
    }

    /**
     * The relay, the idempotency keys' expiry, the database check's thread and an owned pool, each
     * whatever the one before did; then the end.
     */
    private void closeBackgroundParts() {
        idempotencyKeyExpiry.close();
        try {
            if (outbox != null) {
                outbox.close();
            }
        } finally {
            idempotencyKeyExpiry.awaitStopped(); // its statement under way ends while the relay stops, or soon after
            database.close();
            if (ownedDataSource != null) {
                ownedDataSource.close();
            }
            terminated.countDown();
        }
    }

    /** Starts the outbox relay and its upkeep when {@code RELAY_ENABLED} is true. */
    private void startRelayIfEnabled() {
        if (outbox != null) {
            outbox.start();
        } else {
            log.info("Outbox relay disabled (RELAY_ENABLED=false): another instance must publish the outbox");
        }
    }

    /**
     * Waits {@code SHUTDOWN_DELAY} first when the gateway is ready, reporting not ready and serving
     * meanwhile ({@link StopDelay}). Then stops HTTP: no new connections, and the requests in flight
     * (an order being written among
     * them) are answered within {@link ApiServer#DEFAULT_STOP_GRACE}. Then the relay: it stops
     * claiming and waits a bounded time for its batch in flight; rows sent but not yet recorded are
     * sent again after their lease by the next relay, and the streams app drops the copies by
     * eventId. The upkeep (the outbox's, the idempotency keys' expiry) is stopped with the relay, its
     * statement under way given up to 5 s from then. Then the database check's thread, and the pool
     * if this app owns it. Each step runs
     * whatever the one before did.
     * Calling it again does nothing once the first call has returned; a call made meanwhile waits for it.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        stopDelay.pause();
        try {
            ApiServer.stop(javalin);
        } finally {
            closeBackgroundParts();
        }
        log.info("Order gateway stopped");
    }

    /**
     * Blocks until {@link #stop()} has run or the outbox relay has stopped on a failure, which leaves
     * the gateway not ready and running until it is stopped.
     *
     * @return whether the relay failed
     */
    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return relayFailed;
    }

    public int port() {
        return javalin.port();
    }
}
