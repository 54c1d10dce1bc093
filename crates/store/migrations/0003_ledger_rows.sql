-- Fewer rows and pages per ledger entry (issue #3's throughput goals).
--
-- 1. The private payload moves into its entry's row: one INSERT per entry instead of two. The
--    columns stay nullable so that `ledger verify` can still report a missing payload; public
--    reads select `entry` only, so the payload is still never published.
ALTER TABLE ledger_entries ADD COLUMN kind TEXT;
ALTER TABLE ledger_entries ADD COLUMN salt BLOB;
ALTER TABLE ledger_entries ADD COLUMN body BLOB;
UPDATE ledger_entries SET
    kind = (SELECT p.kind FROM event_payloads p WHERE p.log = ledger_entries.log AND p.idx = ledger_entries.idx),
    salt = (SELECT p.salt FROM event_payloads p WHERE p.log = ledger_entries.log AND p.idx = ledger_entries.idx),
    body = (SELECT p.body FROM event_payloads p WHERE p.log = ledger_entries.log AND p.idx = ledger_entries.idx);
DROP TABLE event_payloads;

-- 2. Merkle nodes are keyed in the order they are created: `seq = ((idx + 1) << (level + 6)) + level`,
--    i.e. the tree size at which the node became complete, then its level. A batch's new nodes
--    are then adjacent at the end of the b-tree (a page or two per commit) instead of scattered
--    over one region per level. On SQLite the table is WITHOUT ROWID, so the key b-tree is the
--    only one (the runner drops the clause for PostgreSQL). `level` and `idx` stay for readers.
--    Bound: (idx + 1) << level ≤ 2^40 leaves per log, so seq fits in 63 bits.
CREATE TABLE ledger_nodes_seq (
    log TEXT NOT NULL,
    seq INTEGER NOT NULL,
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (log, seq)
) WITHOUT ROWID;
INSERT INTO ledger_nodes_seq (log, seq, level, idx, hash)
    SELECT log, ((idx + 1) << CAST(level + 6 AS INT)) + level, level, idx, hash FROM ledger_nodes;
DROP TABLE ledger_nodes;
ALTER TABLE ledger_nodes_seq RENAME TO ledger_nodes;
