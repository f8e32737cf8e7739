-- A relay's claim on a batch of outbox rows, written once per batch instead of a lease written into
-- every row. Claiming no longer updates the rows it takes: it locks them (SELECT ... FOR UPDATE SKIP
-- LOCKED), writes one row here covering their ids, and commits. Until the claim is deleted or runs
-- out, no other relay claims a row whose id lies in [first_id, last_id]. Recording the batch's
-- outcome deletes the claim in the same transaction, and that delete is the fence: when it finds no
-- row, the claim ran out and another relay took its rows over, so nothing of them is recorded.
-- Per row, a claim used to cost an UPDATE of the whole row, and with a ROW binlog two full images
-- of it, payload included; measured on MariaDB 10.11 that was a third of a drained row's cost.
-- Rows handed to a relay at their commit keep the per-row lease (claimed_by, claimed_until), which
-- costs nothing there: it is written with the insert.
-- row_count is how many rows the claim took (the range may span rows it did not take: rows held
-- back behind an earlier event of their order, or not yet committed when it was made).
CREATE TABLE outbox_claims (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    relay_id     CHAR(40)    NOT NULL,
    first_id     BIGINT      NOT NULL,
    last_id      BIGINT      NOT NULL,
    row_count    INT         NOT NULL,
    lease_until  DATETIME(6) NOT NULL
);
