package com.marketplace.gateway.http;

import com.marketplace.http.MetricsController;
import io.javalin.config.RoutesConfig;

/** Every route of the gateway, declared in one place. */
public final class Routes {

    private Routes() {
    }

    public static void register(RoutesConfig routes, OrderController orders, HealthController health,
                                MetricsController metrics, AdminController admin) {
        routes.post(OrderController.ORDERS_PATH, orders::create);
        routes.get(OrderController.ORDERS_PATH + "/{orderId}", orders::get);
        routes.put(OrderController.ORDERS_PATH + "/{orderId}/status", orders::changeStatus);
        routes.get("/health/live", health::live);
        routes.get("/health/ready", health::ready);
        routes.get("/metrics", metrics::scrape);
        routes.get(AdminController.FAILED_PATH, admin::failed);
        routes.post(AdminController.RETRY_PATH, admin::retry);
    }
}
