-- Leadership coordination (领导协调, issue #20 item 4): a projection of `coordination.matter`.
-- `coordination_events` holds each matter's steps (the private body, typed text included:
-- these tables are the bureau's, never published); `coordination_matters` and
-- `coordination_tasks` are the matter folded, for the lists, the dashboard's counts and the
-- department's view (`parties`: ',SCJG,ZJ,' — every department the matter touches).
CREATE TABLE coordination_events (
    matter_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (matter_id, seq)
);
CREATE TABLE coordination_matters (
    matter_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    leader TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_on TEXT NOT NULL,
    due TEXT NOT NULL,
    decided_on TEXT,
    closed_on TEXT,
    push_id TEXT,
    parties TEXT NOT NULL,
    tasks INTEGER NOT NULL,
    tasks_open INTEGER NOT NULL
);
CREATE INDEX coordination_matters_open ON coordination_matters (jurisdiction, status, due);
CREATE TABLE coordination_tasks (
    task_id TEXT PRIMARY KEY,
    matter_id TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    assignee TEXT NOT NULL,
    due TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX coordination_tasks_open ON coordination_tasks (jurisdiction, done_on, due);
