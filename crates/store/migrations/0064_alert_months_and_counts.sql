-- Month roll-ups of `alert_tallies` and counters of alerts per status (issue #17).
--
-- `alert_tallies_monthly`: the alerts per jurisdiction × month raised (`YYYY-MM`) × responsible
-- person and department × rule × item, written by the alert projection (`store::rules`) with
-- the day row in the alert's own transaction. The accountability report sums a period's whole
-- months from these and only its partial months from the day rows (its default period is the
-- whole history). Projected (`ledger verify` compares it) and recounted by `rules replay`.
CREATE TABLE alert_tallies_monthly (
    jurisdiction TEXT NOT NULL,
    month TEXT NOT NULL,
    responsible TEXT NOT NULL,
    responsible_department TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    item TEXT NOT NULL,
    alerts INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, month, responsible, responsible_department, rule_id, item)
);
INSERT INTO alert_tallies_monthly (jurisdiction, month, responsible, responsible_department,
    rule_id, item, alerts)
SELECT jurisdiction, substr(day, 1, 7), responsible, responsible_department, rule_id, item,
    CAST(SUM(alerts) AS BIGINT)
FROM alert_tallies
GROUP BY jurisdiction, substr(day, 1, 7), responsible, responsible_department, rule_id, item;
-- `alert_status_tallies`: how many of a jurisdiction's alerts are in each status, moved by the
-- alert projection on raise and on close; a row that falls to zero is deleted, so the rows are
-- exactly the GROUP BY below. The alerts list reads its open/closed totals from these one or two
-- rows instead of grouping every alert of the history (closed alerts never leave). Projected.
CREATE TABLE alert_status_tallies (
    jurisdiction TEXT NOT NULL,
    status TEXT NOT NULL,
    alerts INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, status)
);
INSERT INTO alert_status_tallies (jurisdiction, status, alerts)
SELECT jurisdiction, status, COUNT(*) FROM alerts GROUP BY jurisdiction, status;
-- The home page's "my work" counts read ranges of open things only. Open red cards: without
-- this index the count reads every open alert (`alerts_open`) and looks up each row's rule; with
-- it, one range of the open red cards' index entries.
CREATE INDEX alerts_open_rule ON alerts (jurisdiction, rule_id) WHERE status = 'open';
-- Pushes waiting for a supervision mapping: `pushes_department` starts with (jurisdiction,
-- department), and an unmapped push's department is not known to the query, so the count
-- read every push of the jurisdiction; this index holds the unmapped ones only.
CREATE INDEX pushes_unmapped ON pushes (jurisdiction) WHERE status = 'unmapped';
