package com.marketplace.streams.http;

import com.marketplace.http.MetricsController;
import com.marketplace.streams.query.QueryPaths;
import io.javalin.config.RoutesConfig;

/** Every route of the streams app, declared in one place. */
public final class Routes {

    private Routes() {
    }

    public static void register(RoutesConfig routes, StatsController stats, HealthController health,
                                MetricsController metrics) {
        routes.get(QueryPaths.STATUS_COUNTS, stats::statusCounts);
        routes.get(QueryPaths.SELLER_STATS, stats::seller);
        routes.get(QueryPaths.BUYER_STATS, stats::buyer);
        routes.get(QueryPaths.ORDERS_PER_MINUTE, stats::ordersPerMinute);
        routes.get(QueryPaths.ORDER_STATE, stats::orderState);
        routes.get("/health/live", health::live);
        routes.get("/health/ready", health::ready);
        routes.get("/metrics", metrics::scrape);
    }
}
