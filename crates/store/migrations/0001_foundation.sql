-- Foundation schema, written in the subset SQLite and PostgreSQL share.
-- The migration runner maps INTEGER to BIGINT and BLOB to BYTEA for PostgreSQL.

-- The ledger: public entries (canonical JSON of the event envelope) are the Merkle leaves.
CREATE TABLE ledger_entries (
    idx INTEGER PRIMARY KEY,
    entry BLOB NOT NULL
);
-- Private payloads behind each entry's salted commitment; never published.
CREATE TABLE event_payloads (
    idx INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    salt BLOB NOT NULL,
    body BLOB NOT NULL
);
-- Hashes of complete aligned subtrees: (level, index) covers leaves [index*2^level, (index+1)*2^level).
CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);
-- The integrated head; the single-writer lock is taken on this row.
CREATE TABLE ledger_head (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    root BLOB NOT NULL
);
INSERT INTO ledger_head (id, size, root) VALUES (1, 0, X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

-- Organisation (projections of events).
CREATE TABLE jurisdictions (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    parent TEXT,
    bureau_uscc TEXT NOT NULL
);
CREATE TABLE departments (
    jurisdiction TEXT NOT NULL,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, code)
);
CREATE TABLE hall_windows (
    jurisdiction TEXT NOT NULL,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    department TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, code)
);
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    active INTEGER NOT NULL
);
CREATE TABLE staff_postings (
    staff_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    department TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    PRIMARY KEY (staff_id, seq)
);

-- Catalog: every version of every item is kept; `current` marks the version in force.
CREATE TABLE items (
    jurisdiction TEXT NOT NULL,
    basic_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    current INTEGER NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    area TEXT NOT NULL,
    handling_place TEXT NOT NULL,
    original_department TEXT NOT NULL,
    supervising_department TEXT NOT NULL,
    generated INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, basic_code, version)
);
CREATE INDEX items_current ON items (jurisdiction, current, category);

-- Credentials and sessions are operational state, not projections of the ledger.
CREATE TABLE credentials (
    staff_id TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL,
    locked_until INTEGER
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL
);
