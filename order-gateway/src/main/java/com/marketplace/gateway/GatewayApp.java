package com.marketplace.gateway;

import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.db.DataSources;
import com.marketplace.gateway.db.DatabaseHealth;
import com.marketplace.gateway.db.Migrations;
import com.marketplace.gateway.db.Transactions;
import com.marketplace.gateway.http.ApiJson;
import com.marketplace.gateway.http.ErrorMapper;
import com.marketplace.gateway.http.HealthController;
import com.marketplace.gateway.http.HttpMetrics;
import com.marketplace.gateway.http.JsonBodyReader;
import com.marketplace.gateway.http.MetricsController;
import com.marketplace.gateway.http.OrderController;
import com.marketplace.gateway.http.Routes;
import com.marketplace.gateway.metrics.MicrometerOrderMetrics;
import com.marketplace.gateway.order.OrderService;
import com.marketplace.gateway.order.jdbc.JdbcIdempotencyRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderRepository;
import com.marketplace.gateway.order.jdbc.JdbcOrderTransactions;
import com.marketplace.gateway.outbox.JdbcOutboxRepository;
import com.marketplace.gateway.outbox.OutboxNotifier;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
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
    private final Javalin javalin;

    private GatewayApp(GatewayConfig config, DataSource dataSource, HikariDataSource ownedDataSource,
                       OutboxNotifier notifier) {
        this.config = Objects.requireNonNull(config, "config");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.ownedDataSource = ownedDataSource;
        this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Migrations.migrate(dataSource);
        this.orderService = new OrderService(orderTransactions(dataSource), notifier,
                new MicrometerOrderMetrics(meterRegistry));
        this.javalin = createJavalin();
    }

    /** The production wiring: a pool on {@code DB_URL}, owned and closed by this app. */
    public static GatewayApp create(GatewayConfig config) {
        HikariDataSource pool = DataSources.create(config.dbUrl(), config.dbUser(), config.dbPassword());
        try {
            return new GatewayApp(config, pool, pool, OutboxNotifier.NONE);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Wiring on a data source the caller owns (and closes), with the given outbox notifier. */
    public static GatewayApp create(GatewayConfig config, DataSource dataSource, OutboxNotifier notifier) {
        return new GatewayApp(config, dataSource, null, notifier);
    }

    private static JdbcOrderTransactions orderTransactions(DataSource dataSource) {
        return new JdbcOrderTransactions(new Transactions(dataSource), new JdbcOrderRepository(),
                new JdbcIdempotencyRepository(), new JdbcOutboxRepository());
    }

    private Javalin createJavalin() {
        ApiJson json = new ApiJson();
        OrderController orders = new OrderController(orderService, new JsonBodyReader(json), json);
        HealthController health = new HealthController(new DatabaseHealth(dataSource), json);
        MetricsController metrics = new MetricsController(meterRegistry);
        ErrorMapper errors = new ErrorMapper(json);
        HttpMetrics httpMetrics = new HttpMetrics(meterRegistry);
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = JsonBodyReader.MAX_BODY_BYTES;
            cfg.requestLogger.http(httpMetrics::record);
            errors.register(cfg.routes);
            Routes.register(cfg.routes, orders, health, metrics);
        });
    }

    /** Starts HTTP on the configured port. */
    public GatewayApp start() {
        return start(config.httpPort());
    }

    /** Starts HTTP on {@code port} (0 = a free port, see {@link #port()}) and the relay when enabled. */
    public GatewayApp start(int port) {
        javalin.start(port);
        log.info("Order gateway listening on port {}", javalin.port());
        startRelayIfEnabled();
        return this;
    }

    /**
     * The single place where the outbox relay is started when {@code RELAY_ENABLED} is true (and
     * where {@link #stop()} must stop it). The relay is not part of this build yet.
     */
    private void startRelayIfEnabled() {
        if (config.relayEnabled()) {
            log.warn("RELAY_ENABLED=true but this build has no outbox relay yet: outbox rows stay PENDING");
        }
    }

    /** Stops HTTP and closes the pool if this app owns it. */
    public void stop() {
        javalin.stop();
        if (ownedDataSource != null) {
            ownedDataSource.close();
        }
        log.info("Order gateway stopped");
    }

    public int port() {
        return javalin.port();
    }

    public Javalin javalin() {
        return javalin;
    }

    /** The registry behind {@code /metrics}; other components (the relay) add their meters here. */
    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public OrderService orderService() {
        return orderService;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public GatewayConfig config() {
        return config;
    }
}
