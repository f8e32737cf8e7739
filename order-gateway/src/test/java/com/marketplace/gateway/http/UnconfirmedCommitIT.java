package com.marketplace.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.marketplace.gateway.GatewayApp;
import com.marketplace.gateway.config.GatewayConfig;
import com.marketplace.gateway.support.CommitCuttingProxy;
import com.marketplace.gateway.support.CommitCuttingProxy.Cut;
import com.marketplace.gateway.support.RunningGateway;
import com.marketplace.gateway.support.TestDatabase;
import com.marketplace.gateway.support.TestOrders;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An order creation or status change whose {@code COMMIT} the database does not confirm, the
 * connection broken at that moment by a proxy between the gateway's pool and the real database: the
 * gateway reads it back and answers what happened, 201 (200) when it was applied and 503 with
 * {@code Retry-After} when it was not; when it cannot read it back either, 503 without
 * {@code Retry-After}, since a blind retry could create the order twice (or undo a change made since).
 */
class UnconfirmedCommitIT {

    private static final String ADMIN_TOKEN = "unconfirmed-commit-admin-token";

    private CommitCuttingProxy proxy;
    private RunningGateway gateway;

    @BeforeEach
    void gatewayBehindTheProxy() throws Exception {
        assumeFalse(TestDatabase.isH2(), "needs a database reached over TCP (TEST_DB_URL)");
        TestDatabase.clean();
        proxy = CommitCuttingProxy.to(TestDatabase.url());
        GatewayConfig config = TestDatabase.gatewayConfig(Map.of(GatewayConfig.DB_URL, proxy.jdbcUrl(),
                GatewayConfig.ADMIN_TOKEN, ADMIN_TOKEN));
        gateway = RunningGateway.of(GatewayApp.create(config).start(0));
        // the first order takes the gateway's block of order ids, in a transaction of its own
        assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(1)).statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aCommitAppliedWhoseAnswerIsLostIsA201ForTheOrderItWrote() {
        HttpResponse<String> created = createCutting(TestOrders.json(2), Cut.AFTER_ANSWER, false);

        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(gateway.get(location).statusCode()).isEqualTo(200);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM orders WHERE buyer_id = 2")).isEqualTo(1);
        String orderId = location.substring(location.lastIndexOf('/') + 1);
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE aggregate_id = ?", orderId))
                .as("the order's event was written with it").isEqualTo(1);
    }

    @Test
    void aCommitThatNeverReachedTheDatabaseIsA503ToRetry() {
        HttpResponse<String> refused = createCutting(TestOrders.json(3), Cut.BEFORE_COMMIT, false);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM orders WHERE buyer_id = 3")).isZero();
        assertThat(gateway.postJson("/api/v1/orders", TestOrders.json(3)).statusCode()).isEqualTo(201);
    }

    @Test
    void aCommitNeitherConfirmedNorReadBackIsA503WithoutRetryAfter() {
        HttpResponse<String> unknown = createCutting(TestOrders.json(4), Cut.AFTER_ANSWER, true);

        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(unknown.headers().firstValue("Retry-After")).isEmpty();
        assertThat(unknown.body()).contains("outcome-unknown").contains("Idempotency-Key");
        // it was written: a blind retry would have made a second order
        assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM orders WHERE buyer_id = 4")).isEqualTo(1);
        proxy.restore();
    }

    @Test
    void aStatusChangeAppliedWhoseAnswerIsLostIsA200WithItsOneEvent() {
        long orderId = gateway.createOrder(TestOrders.json(5));
        HttpResponse<String> changed = changeStatusCutting(orderId, "PAID", Cut.AFTER_ANSWER, false);

        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.body()).contains("\"status\":\"PAID\"");
        assertThat(inStatus(orderId, "PAID")).isTrue();
        assertThat(statusChangeEvents(orderId)).isEqualTo(1);
    }

    @Test
    void aStatusChangeThatNeverReachedTheDatabaseIsA503ToRetry() {
        long orderId = gateway.createOrder(TestOrders.json(6));
        HttpResponse<String> refused = changeStatusCutting(orderId, "PAID", Cut.BEFORE_COMMIT, false);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(inStatus(orderId, "PENDING")).isTrue();
        assertThat(statusChangeEvents(orderId)).isZero();
        assertThat(gateway.putJson(statusPath(orderId), "{\"status\":\"PAID\"}").statusCode()).isEqualTo(200);
        assertThat(statusChangeEvents(orderId)).isEqualTo(1);
    }

    @Test
    void aStatusChangeNeitherConfirmedNorReadBackIsA503WithoutRetryAfter() {
        long orderId = gateway.createOrder(TestOrders.json(7));
        HttpResponse<String> unknown = changeStatusCutting(orderId, "CANCELLED", Cut.AFTER_ANSWER, true);

        assertThat(unknown.statusCode()).isEqualTo(503);
        assertThat(unknown.headers().firstValue("Retry-After")).isEmpty();
        assertThat(unknown.body()).contains("outcome-unknown").contains("status change");
        assertThat(inStatus(orderId, "CANCELLED")).as("it was applied").isTrue();
        proxy.restore();
    }

    @Test
    void anAdminRequeueWhoseCommitIsNotConfirmedIsA200WhetherOrNotItWasApplied() {
        for (Cut how : Cut.values()) {
            UUID eventId = parkedEvent(gateway.createOrder(TestOrders.json(8)));

            HttpResponse<String> requeued = requeueCutting(eventId.toString(), how);

            assertThat(requeued.statusCode()).as(how + ": " + requeued.body()).isEqualTo(200);
            assertThat(TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE event_id = ?"
                    + " AND status = 'PENDING' AND retry_count = 0", eventId.toString())).as(how.name()).isEqualTo(1);
        }
    }

    @Test
    void anAdminRequeueOfAnEventNotParkedIsA409WhateverBecomesOfItsCommit() {
        for (Cut how : Cut.values()) {
            String eventId = TestDatabase.outboxEventIds(Long.toString(gateway.createOrder(TestOrders.json(9)))).get(0);

            HttpResponse<String> refused = requeueCutting(eventId, how);

            assertThat(refused.statusCode()).as(how + ": " + refused.body()).isEqualTo(409);
        }
    }

    /** Asks the admin API to requeue {@code eventId} with the next {@code COMMIT} cut as {@code how} says. */
    private HttpResponse<String> requeueCutting(String eventId, Cut how) {
        int cutsBefore = proxy.cuts();
        proxy.cutNextCommit(how, false);
        HttpResponse<String> answer = gateway.sendBytes("POST", "/api/v1/admin/outbox/" + eventId + "/retry",
                null, new byte[0], "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(proxy.cuts()).as(how.name()).isEqualTo(cutsBefore + 1);
        return answer;
    }

    /** The event of order {@code orderId}, parked as the relay parks one it gave up on. */
    private static UUID parkedEvent(long orderId) {
        String eventId = TestDatabase.outboxEventIds(Long.toString(orderId)).get(0);
        TestDatabase.update("UPDATE outbox_events SET status = 'FAILED', retry_count = 10, claimed_by = ''"
                + " WHERE event_id = ?", eventId);
        return UUID.fromString(eventId);
    }

    /**
     * Posts {@code order} with the next {@code COMMIT}'s connection broken as {@code how} says (and
     * with {@code thenEveryConnection}, the database out of reach after it); checks the cut happened.
     */
    private HttpResponse<String> createCutting(String order, Cut how, boolean thenEveryConnection) {
        proxy.cutNextCommit(how, thenEveryConnection);
        HttpResponse<String> answer = gateway.postJson("/api/v1/orders", order);
        assertThat(proxy.cuts()).isEqualTo(1);
        return answer;
    }

    /** Moves order {@code orderId} to {@code status} with its {@code COMMIT} cut as {@link #createCutting} does. */
    private HttpResponse<String> changeStatusCutting(long orderId, String status, Cut how,
                                                     boolean thenEveryConnection) {
        proxy.cutNextCommit(how, thenEveryConnection);
        HttpResponse<String> answer = gateway.putJson(statusPath(orderId), "{\"status\":\"" + status + "\"}");
        assertThat(proxy.cuts()).isEqualTo(1);
        return answer;
    }

    private static String statusPath(long orderId) {
        return "/api/v1/orders/" + orderId + "/status";
    }

    private static boolean inStatus(long orderId, String status) {
        return TestDatabase.queryLong("SELECT COUNT(*) FROM orders WHERE id = ? AND status = ?", orderId, status) == 1;
    }

    private static long statusChangeEvents(long orderId) {
        return TestDatabase.queryLong("SELECT COUNT(*) FROM outbox_events WHERE aggregate_id = ?"
                + " AND event_type = 'OrderStatusChanged'", Long.toString(orderId));
    }
}
