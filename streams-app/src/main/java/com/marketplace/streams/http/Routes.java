package com.marketplace.streams.http;

import com.marketplace.http.ApiServer;
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
        ApiServer.getAndHead(routes, QueryPaths.STATUS_COUNTS, stats::statusCounts);
        ApiServer.getAndHead(routes, QueryPaths.SELLER_STATS, stats::seller);
        ApiServer.getAndHead(routes, QueryPaths.BUYER_STATS, stats::buyer);
        ApiServer.getAndHead(routes, QueryPaths.ORDERS_PER_MINUTE, stats::ordersPerMinute);
        ApiServer.getAndHead(routes, QueryPaths.ORDER_STATE, stats::orderState);
    }
}
