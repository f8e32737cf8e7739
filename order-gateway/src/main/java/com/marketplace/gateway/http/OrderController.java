package com.marketplace.gateway.http;

import com.marketplace.gateway.order.CreateOrderResult;
import com.marketplace.gateway.order.NewOrderRequest;
import com.marketplace.gateway.order.Order;
import com.marketplace.gateway.order.OrderService;
import com.marketplace.gateway.order.OrderValidator;
import com.marketplace.gateway.order.StatusChangeResult;
import com.marketplace.http.ApiJson;
import com.marketplace.http.RequestHeaders;
import io.javalin.http.Context;
import java.util.Objects;

/** The order endpoints: translates HTTP to {@link OrderService} calls and back; no rules of its own. */
public final class OrderController {

    static final String ORDERS_PATH = "/api/v1/orders";
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

    private final OrderService orders;
    private final JsonBodyReader bodies;
    private final ApiJson json;

    public OrderController(OrderService orders, JsonBodyReader bodies, ApiJson json) {
        this.orders = Objects.requireNonNull(orders, "orders");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * {@code POST /api/v1/orders}: 201 with Location, also when replayed for the same
     * Idempotency-Key; the key given twice is a 400.
     */
    public void create(Context ctx) {
        String idempotencyKey = RequestHeaders.single(ctx, IDEMPOTENCY_KEY_HEADER).orElse(null);
        NewOrderRequest request = bodies.read(ctx, NewOrderRequest.class);
        CreateOrderResult result = orders.create(request, idempotencyKey);
        Order order = result.order();
        ctx.header("Location", ORDERS_PATH + "/" + order.orderId());
        respond(ctx, 201, order);
    }

    /** {@code GET /api/v1/orders/{orderId}}. */
    public void get(Context ctx) {
        long orderId = OrderValidator.parseOrderId(ctx.pathParam("orderId"));
        respond(ctx, 200, orders.get(orderId));
    }

    /** {@code PUT /api/v1/orders/{orderId}/status}. */
    public void changeStatus(Context ctx) {
        long orderId = OrderValidator.parseOrderId(ctx.pathParam("orderId"));
        StatusChangeRequest request = bodies.read(ctx, StatusChangeRequest.class);
        String status = request == null ? null : request.status();
        StatusChangeResult result = orders.changeStatus(orderId, status);
        respond(ctx, 200, result.order());
    }

    private void respond(Context ctx, int status, Order order) {
        json.respond(ctx, status, OrderResponse.from(order));
    }
}
