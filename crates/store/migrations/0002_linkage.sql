-- Approval–supervision linkage (审管互动). Projections of linkage.* events, then the
-- operational tables of the department feed and its webhooks.
CREATE TABLE linkage_settings (
    jurisdiction TEXT PRIMARY KEY,
    claim_days INTEGER NOT NULL,
    escalate_days INTEGER NOT NULL
);
CREATE TABLE supervision_mappings (
    jurisdiction TEXT NOT NULL,
    item_code TEXT NOT NULL,
    department TEXT NOT NULL,
    responsible TEXT,
    push_refusals INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, item_code)
);
CREATE TABLE push_events (
    push_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (push_id, seq)
);
CREATE TABLE pushes (
    push_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    kind TEXT NOT NULL,
    case_number TEXT NOT NULL,
    licence_id TEXT,
    item_code TEXT NOT NULL,
    item_name TEXT NOT NULL,
    department TEXT,
    responsible TEXT,
    status TEXT NOT NULL,
    pushed_on TEXT NOT NULL,
    claim_due TEXT,
    escalate_on TEXT,
    reminded_on TEXT,
    escalated_on TEXT,
    claimed_on TEXT,
    claimed_by TEXT
);
CREATE INDEX pushes_department ON pushes (jurisdiction, department, status);
CREATE TABLE feedback (
    feedback_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    external_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    licence_id TEXT,
    body TEXT NOT NULL,
    impact TEXT,
    review_status TEXT,
    review_explanation TEXT,
    reviewed_by TEXT,
    UNIQUE (jurisdiction, department, external_ref)
);
CREATE TABLE item_marks (
    jurisdiction TEXT NOT NULL,
    item_code TEXT NOT NULL,
    feedback_id TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, item_code, feedback_id)
);
CREATE TABLE linkage_refusals (
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    target TEXT NOT NULL,
    code TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, department, target, code)
);
CREATE TABLE linkage_digests (
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    on_date TEXT NOT NULL,
    pushed INTEGER NOT NULL,
    awaiting INTEGER NOT NULL,
    claimed_today INTEGER NOT NULL,
    overdue_this_month INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, department, on_date)
);

-- Operational: each department's feed (ledger index = cursor), webhooks and their deliveries,
-- and the responses of idempotent requests.
CREATE TABLE dept_feed (
    jurisdiction TEXT NOT NULL,
    idx INTEGER NOT NULL,
    department TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref_id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, idx)
);
CREATE INDEX dept_feed_department ON dept_feed (jurisdiction, department, idx);
CREATE TABLE webhooks (
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, department)
);
CREATE TABLE webhook_deliveries (
    jurisdiction TEXT NOT NULL,
    idx INTEGER NOT NULL,
    department TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    delivered_at INTEGER,
    PRIMARY KEY (jurisdiction, idx)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (principal, idem_key)
);
