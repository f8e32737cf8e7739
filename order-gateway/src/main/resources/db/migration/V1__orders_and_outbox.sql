-- Orders, their items, idempotency keys and the transactional outbox.
-- Portable between MySQL 8, MariaDB >= 10.6 and H2 in MySQL mode.

CREATE TABLE orders (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    order_number  VARCHAR(40)   NOT NULL,
    buyer_id      BIGINT        NOT NULL,
    buyer_email   VARCHAR(254)  NOT NULL,
    currency      CHAR(3)       NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    total_amount  DECIMAL(19,2) NOT NULL,
    created_at    DATETIME(6)   NOT NULL,
    updated_at    DATETIME(6)   NOT NULL,
    CONSTRAINT uk_orders_order_number UNIQUE (order_number)
);

CREATE TABLE order_items (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    order_id    BIGINT        NOT NULL,
    product_id  BIGINT        NOT NULL,
    seller_id   BIGINT        NOT NULL,
    quantity    INT           NOT NULL,
    unit_price  DECIMAL(19,2) NOT NULL,
    CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
);

CREATE INDEX idx_order_items_order ON order_items (order_id);

-- One row per Idempotency-Key: the hash of the request it was first used with and the order it made.
-- The key is stored as bytes so it compares exactly (case-sensitive) on MySQL, MariaDB and H2.
CREATE TABLE idempotency_keys (
    idempotency_key  VARBINARY(255) NOT NULL PRIMARY KEY,
    request_hash     CHAR(64)     NOT NULL,
    order_id         BIGINT       NOT NULL,
    created_at       DATETIME(6)  NOT NULL,
    CONSTRAINT fk_idempotency_keys_order FOREIGN KEY (order_id) REFERENCES orders (id)
);

-- The outbox. payload holds the complete event envelope JSON exactly as it is published, so the
-- relay needs no other table and does no re-encoding. Lifecycle: PENDING -> PROCESSED, or
-- PENDING -> FAILED after the last attempt. A claimed row stays PENDING with a lease
-- (claimed_by, claimed_until); an expired lease makes it claimable again.
CREATE TABLE outbox_events (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    event_id         CHAR(36)      NOT NULL,
    aggregate_type   VARCHAR(64)   NOT NULL,
    aggregate_id     VARCHAR(64)   NOT NULL,
    event_type       VARCHAR(64)   NOT NULL,
    payload          MEDIUMTEXT    NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    created_at       DATETIME(6)   NOT NULL,
    processed_at     DATETIME(6)   NULL,
    retry_count      INT           NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME(6)   NOT NULL,
    last_error       VARCHAR(1000) NULL,
    claimed_by       VARCHAR(100)  NULL,
    claimed_until    DATETIME(6)   NULL,
    CONSTRAINT uk_outbox_events_event_id UNIQUE (event_id)
);

-- Claim query: due PENDING rows in id order.
CREATE INDEX idx_outbox_events_claim ON outbox_events (status, next_attempt_at, id);
-- Head-of-aggregate check: earlier unfinished events of the same order.
CREATE INDEX idx_outbox_events_aggregate ON outbox_events (aggregate_type, aggregate_id, id);
-- Cleanup of old PROCESSED rows.
CREATE INDEX idx_outbox_events_processed ON outbox_events (status, processed_at);
