-- Monitoring rules and accountability: projections of rules.* events, and the runner's cursor.
CREATE TABLE rule_versions (
    jurisdiction TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    params TEXT NOT NULL,
    active INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, rule_id, version)
);
CREATE TABLE rules_ticks (
    jurisdiction TEXT NOT NULL,
    on_date TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, on_date)
);
CREATE TABLE alerts (
    alert_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    rule_version INTEGER NOT NULL,
    rule_hash TEXT NOT NULL,
    subject TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    responsible TEXT,
    responsible_department TEXT,
    superior TEXT,
    from_index INTEGER NOT NULL,
    at_index INTEGER NOT NULL,
    raised_on TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    explanation TEXT,
    closed_by TEXT
);
CREATE INDEX alerts_open ON alerts (jurisdiction, status);
-- Operational: how far the rule runner has read each log.
CREATE TABLE rules_cursor (
    log TEXT PRIMARY KEY,
    next_index INTEGER NOT NULL
);
