-- What each `oneseal ledger verify` checked of each log, and what it found: an incremental run
-- starts from the last signed checkpoint a clean run covered, and says it was incremental.
CREATE TABLE ledger_audits (
    log TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    mode TEXT NOT NULL,
    from_size INTEGER NOT NULL,
    to_size INTEGER NOT NULL,
    checkpoint_size INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    PRIMARY KEY (log, checked_at, mode)
);
