package com.marketplace.gateway.http;

import com.marketplace.http.ApiServer;
import io.javalin.config.RoutesConfig;

/**
 * Every route of the order API, declared in one place; {@code /health/live}, {@code /health/ready}
 * and {@code /metrics} are the shared ones of {@link com.marketplace.http.ApiServer}.
 */
public final class Routes {

    private Routes() {
    }

    public static void register(RoutesConfig routes, OrderController orders, AdminController admin) {
        routes.post(OrderController.ORDERS_PATH, orders::create);
        ApiServer.getAndHead(routes, OrderController.ORDERS_PATH + "/{orderId}", orders::get);
        routes.put(OrderController.ORDERS_PATH + "/{orderId}/status", orders::changeStatus);
        if (admin.enabled()) { // without a token the paths do not exist: 404 whatever the method
            ApiServer.getAndHead(routes, AdminController.FAILED_PATH, admin::failed);
            routes.post(AdminController.RETRY_PATH, admin::retry);
        }
    }
}
