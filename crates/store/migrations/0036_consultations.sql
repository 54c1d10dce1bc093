-- Joint review (会签 / 联合审查, issue #20 item 1): projections of `consultation.event`.
-- `consultation_events` holds each consultation's events in order (the fold's input);
-- `consultations` one row per consultation as its events leave it, for the case page, the
-- department's list and the runner. The question and the opinion's text are private free
-- text: they are in these private tables and the ledger's private bodies, never in a public
-- ledger entry.
CREATE TABLE consultation_events (
    consultation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (consultation_id, seq)
);
CREATE TABLE consultations (
    consultation_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    case_number TEXT NOT NULL,
    item_code TEXT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    question TEXT NOT NULL,
    asked_by TEXT NOT NULL,
    asked_on TEXT NOT NULL,
    due_working_days INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    escalate_on TEXT NOT NULL,
    reminded_on TEXT,
    escalated_on TEXT,
    answered_on TEXT,
    answered_by TEXT,
    opinion TEXT,
    answer_text TEXT,
    attachments TEXT,
    late INTEGER NOT NULL
);
-- A case's consultations; a department's list, newest first; the runner's open ones.
CREATE INDEX consultations_case ON consultations (case_number, consultation_id);
CREATE INDEX consultations_department ON consultations (jurisdiction, department, consultation_id);
CREATE INDEX consultations_status ON consultations (status, consultation_id);
