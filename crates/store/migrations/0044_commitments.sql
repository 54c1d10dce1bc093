-- 告知承诺制 (issue #19 item 5): projections of `commitment.verification`.
-- `commitment_events` holds each case's verification events in order (the fold's input);
-- `commitments` one row per case as its events leave it: the supervising department's task
-- list, the bureau's list and its credit records (status 'false': 失信记录, staff only). The
-- department's finding is private free text: in these private tables and the ledger's private
-- bodies, never in a public ledger entry.
CREATE TABLE commitment_events (
    case_number TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
);
CREATE TABLE commitments (
    case_number TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    item_code TEXT NOT NULL,
    licence_id TEXT,
    push_id TEXT,
    department TEXT,
    status TEXT NOT NULL,
    text_sha256 TEXT NOT NULL,
    asked_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    answered_on TEXT,
    answered_by TEXT,
    finding TEXT,
    late INTEGER NOT NULL
);
-- A department's list, newest first; the bureau's list by status.
CREATE INDEX commitments_department ON commitments (jurisdiction, department, case_number);
CREATE INDEX commitments_status ON commitments (jurisdiction, status, case_number);
