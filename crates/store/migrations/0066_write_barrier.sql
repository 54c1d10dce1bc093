-- The syncer's write barrier on PostgreSQL (store::durable): the writer commits with
-- `synchronous_commit = off`, and the syncer's synchronous commit of an update to this one row
-- flushes the WAL up to it, so every batch committed before is durable before its results are
-- delivered. An update that changes nothing would not be a barrier: the row must exist and `n`
-- must change. Unused on SQLite, where the syncer fsyncs the WAL file instead.
CREATE TABLE write_barrier (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO write_barrier (id, n) VALUES (1, 0);
