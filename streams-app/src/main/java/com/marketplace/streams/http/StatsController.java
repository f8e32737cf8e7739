package com.marketplace.streams.http;

import com.marketplace.http.ApiJson;
import com.marketplace.http.ProblemException;
import com.marketplace.http.ProblemType;
import com.marketplace.http.QueryParams;
import com.marketplace.streams.query.InstanceSecret;
import com.marketplace.streams.query.Origin;
import com.marketplace.streams.query.QueryPaths;
import com.marketplace.streams.query.Scope;
import com.marketplace.streams.query.StoreQueries;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The interactive-query endpoints: translates HTTP to {@link StoreQueries} calls and back. A
 * request carrying {@link QueryPaths#FORWARDED_HEADER} and the {@link InstanceSecret} comes from
 * another instance and is answered from local stores only; one carrying the marker without the
 * secret is refused (403), and one without the marker is an outside request.
 * Response bodies are the query API's own types ({@code SellerStatsView}, {@code BuyerStatsView},
 * {@code OrderStateView}, {@code WindowCount}), whose JSON is the contract of docs/architecture.md
 * ("State stores and the query API"); the store values behind them may change without changing it.
 */
public final class StatsController {

    private final StoreQueries queries;
    private final InstanceSecret secret;
    private final ApiJson json;

    public StatsController(StoreQueries queries, InstanceSecret secret, ApiJson json) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** {@code GET /api/v1/stats/status-counts}: every status with its count, in lifecycle order. */
    public void statusCounts(Context ctx) {
        Map<String, Long> body = new LinkedHashMap<>();
        queries.statusCounts(scope(ctx)).forEach((status, count) -> body.put(status.name(), count));
        ok(ctx, body);
    }

    /** {@code GET /api/v1/stats/sellers/{sellerId}}. */
    public void seller(Context ctx) {
        Scope scope = scope(ctx);
        long sellerId = RequestParams.id("sellerId", ctx.pathParam("sellerId"));
        found(ctx, queries.sellerStats(sellerId, scope), "seller " + sellerId);
    }

    /** {@code GET /api/v1/stats/buyers/{buyerId}}. */
    public void buyer(Context ctx) {
        Scope scope = scope(ctx);
        long buyerId = RequestParams.id("buyerId", ctx.pathParam("buyerId"));
        found(ctx, queries.buyerStats(buyerId, scope), "buyer " + buyerId);
    }

    /** {@code GET /api/v1/orders/{orderId}/state}. */
    public void orderState(Context ctx) {
        Origin origin = origin(ctx);
        long orderId = RequestParams.id("orderId", ctx.pathParam("orderId"));
        found(ctx, queries.orderState(orderId, origin), "order " + orderId);
    }

    /** {@code GET /api/v1/stats/orders-per-minute?from=ISO&to=ISO}. */
    public void ordersPerMinute(Context ctx) {
        Scope scope = scope(ctx);
        Instant from = RequestParams.instant("from", QueryParams.single(ctx, "from"));
        Instant to = RequestParams.instant("to", QueryParams.single(ctx, "to"));
        RequestParams.requireRange(from, to);
        ok(ctx, queries.ordersPerMinute(from, to, scope));
    }

    private void found(Context ctx, Optional<?> value, String what) {
        if (value.isEmpty()) {
            ctx.header(QueryPaths.NOT_KNOWN_HEADER, "true");
            throw new ProblemException(ProblemType.NOT_FOUND, what + " is not known");
        }
        ok(ctx, value.get());
    }

    private void ok(Context ctx, Object body) {
        json.ok(ctx, body);
    }

    /**
     * The partitions a statistics request adds up: all of them for an outside request; for one
     * forwarded by another instance, those it names in {@link QueryPaths#PARTITIONS_PARAM}.
     */
    private Scope scope(Context ctx) {
        if (origin(ctx) == Origin.CLIENT) {
            return Scope.ALL;
        }
        String partitions = QueryParams.single(ctx, QueryPaths.PARTITIONS_PARAM);
        if (partitions == null) {
            throw new ProblemException(QueryApiProblems.INVALID_PARAMETER,
                    "a forwarded statistics query names its partitions");
        }
        return Scope.local(RequestParams.partitions(partitions));
    }

    /**
     * An outside request carries no forwarding marker. A marked one must carry the secret: one
     * without it is refused rather than answered as an outside request, which this instance might
     * forward again (to an instance with another secret, which would forward it back).
     */
    private Origin origin(Context ctx) {
        if (ctx.header(QueryPaths.FORWARDED_HEADER) == null) {
            return Origin.CLIENT;
        }
        if (!secret.matches(ctx.header(QueryPaths.INSTANCE_SECRET_HEADER))) {
            throw new ProblemException(QueryApiProblems.FORWARD_REFUSED, "a query marked "
                    + QueryPaths.FORWARDED_HEADER + " must carry this instance's INSTANCE_SECRET, which every instance"
                    + " of the application shares (unset on all of them: their application id)");
        }
        return Origin.FORWARDED;
    }
}
