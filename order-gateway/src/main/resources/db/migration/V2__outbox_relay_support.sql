-- Schema version of the stored envelope, carried as the schema-version header without parsing the payload.
ALTER TABLE outbox_events ADD COLUMN schema_version INT NOT NULL DEFAULT 1;

-- Named leases for work that one gateway instance at a time should do (outbox cleanup).
CREATE TABLE outbox_leases (
    name         VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner        VARCHAR(100) NULL,
    lease_until  DATETIME(6)  NOT NULL
);

INSERT INTO outbox_leases (name, owner, lease_until) VALUES ('cleanup', NULL, '1970-01-01 00:00:00');

-- The claim query walks PENDING rows in id order and stops after one batch: (status, id) serves
-- that directly, where (status, next_attempt_at, id) made it sort the whole backlog every round.
DROP INDEX idx_outbox_events_claim ON outbox_events;
CREATE INDEX idx_outbox_events_claim ON outbox_events (status, id);

-- Cleanup finds old rows by processed_at alone (only PROCESSED rows have one); leaving status out
-- keeps the optimizer from taking this index for the claim query.
DROP INDEX idx_outbox_events_processed ON outbox_events;
CREATE INDEX idx_outbox_events_processed_at ON outbox_events (processed_at);
