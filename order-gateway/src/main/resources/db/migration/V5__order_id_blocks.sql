-- Order ids handed out in blocks, so a gateway knows an order's id before it inserts the row and
-- writes the final order number in the same INSERT (no placeholder number, no UPDATE after it, no
-- generated-key read). One row per id series; a gateway takes the next block under this row's lock.
-- A block starts at max(next_id, MAX(orders.id) + 1), so it skips ids that were taken through
-- AUTO_INCREMENT (rows written before this version, or by an older gateway still running).
-- orders.id keeps its AUTO_INCREMENT for those older gateways; an explicit id pushes the counter past
-- itself, and a gateway whose next id turns out to be taken abandons its block and takes another.
CREATE TABLE id_blocks (
    name     VARCHAR(64) NOT NULL PRIMARY KEY,
    next_id  BIGINT      NOT NULL
);

INSERT INTO id_blocks (name, next_id) VALUES ('orders', 1);
