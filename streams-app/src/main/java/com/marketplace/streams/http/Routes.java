package com.marketplace.streams.http;

import com.marketplace.streams.query.QueryPaths;
import io.javalin.config.RoutesConfig;

/**
 * Every route of the query API, declared in one place; {@code /health/live}, {@code /health/ready}
 * and {@code /metrics} are the shared ones of {@link com.marketplace.http.ApiServer}.
 */
public final class Routes {

    private Routes() {
    }

    public static void register(RoutesConfig routes, StatsController stats) {
        routes.get(QueryPaths.STATUS_COUNTS, stats::statusCounts);
        routes.get(QueryPaths.SELLER_STATS, stats::seller);
        routes.get(QueryPaths.BUYER_STATS, stats::buyer);
        routes.get(QueryPaths.ORDERS_PER_MINUTE, stats::ordersPerMinute);
        routes.get(QueryPaths.ORDER_STATE, stats::orderState);
    }
}
