-- Foundation schema, written in the subset SQLite and PostgreSQL share.
-- The migration runner maps INTEGER to BIGINT and BLOB to BYTEA for PostgreSQL.

-- The ledger: one Merkle log per jurisdiction (each bureau signs its own checkpoints).
-- Public entries (canonical JSON of the event envelope) are the leaves.
CREATE TABLE ledger_entries (
    log TEXT NOT NULL,
    idx INTEGER NOT NULL,
    entry BLOB NOT NULL,
    PRIMARY KEY (log, idx)
);
-- Private payloads behind each entry's salted commitment; never published.
CREATE TABLE event_payloads (
    log TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    salt BLOB NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (log, idx)
);
-- Hashes of complete aligned subtrees: (level, idx) covers leaves [idx*2^level, (idx+1)*2^level).
CREATE TABLE ledger_nodes (
    log TEXT NOT NULL,
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (log, level, idx)
);
-- The integrated head of each log; the single-writer lock is taken on these rows.
CREATE TABLE ledger_heads (
    log TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root BLOB NOT NULL
);
-- Every signed checkpoint, kept forever; the latest one per log is the compare-and-swap anchor:
-- storage behind it means a restored backup, and the server refuses to start.
CREATE TABLE checkpoints (
    log TEXT NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    cosigned TEXT,
    signed_at INTEGER NOT NULL,
    PRIMARY KEY (log, size)
);
-- Keys of the bureau (log and seal keys), private halves encrypted at rest.
CREATE TABLE keys (
    purpose TEXT PRIMARY KEY,
    public TEXT NOT NULL,
    encrypted BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

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

-- The seal registry (public facts; private keys live encrypted in `keys`).
CREATE TABLE seals (
    es_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    revoked_at TEXT,
    revoked_order TEXT,
    archived INTEGER NOT NULL,
    ses_seal TEXT NOT NULL
);

-- Years of the working-day calendar loaded by administrators (the binary ships its own).
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    json TEXT NOT NULL
);

-- Cases (办件): every case event in order, and the case's current state derived from them.
CREATE TABLE case_events (
    case_number TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
);
CREATE TABLE cases (
    case_number TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    item_code TEXT NOT NULL,
    item_name TEXT NOT NULL,
    status INTEGER NOT NULL,
    received_on TEXT NOT NULL,
    applicant_label TEXT NOT NULL,
    query_code_hash TEXT NOT NULL,
    closed INTEGER NOT NULL,
    events INTEGER NOT NULL
);
CREATE INDEX cases_open ON cases (jurisdiction, closed, status);
-- Licences after approval: their events and current state.
CREATE TABLE licence_events (
    licence_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (licence_id, seq)
);
CREATE TABLE licences (
    licence_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    valid_until TEXT NOT NULL
);
-- Documents sealed with the bureau seal (decisions, vouchers).
CREATE TABLE sealed_documents (
    case_number TEXT NOT NULL,
    document_kind TEXT NOT NULL,
    es_id TEXT NOT NULL,
    document_sm3 TEXT NOT NULL,
    signer TEXT NOT NULL,
    document TEXT NOT NULL,
    signature_der TEXT NOT NULL,
    PRIMARY KEY (case_number, document_kind)
);

-- Where each sealed document's ledger entry is (an index for receipts, not a projection).
CREATE TABLE document_entries (
    case_number TEXT NOT NULL,
    document_kind TEXT NOT NULL,
    license_id TEXT,
    log TEXT NOT NULL,
    idx INTEGER NOT NULL,
    PRIMARY KEY (case_number, document_kind)
);
CREATE INDEX document_entries_license ON document_entries (license_id);

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
