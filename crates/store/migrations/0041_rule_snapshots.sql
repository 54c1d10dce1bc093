-- The rule runner's engine, written out at a log size (issue #17: a restart continues from it
-- instead of folding the whole log again). Not a projection: a cache the runner checks (same
-- build, same entry at that size) and ignores when it does not hold.
CREATE TABLE rule_snapshots (
    log TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    recorded BIGINT NOT NULL,
    build TEXT NOT NULL,
    last_entry TEXT NOT NULL,
    taken_at TEXT NOT NULL,
    body BLOB NOT NULL
);
