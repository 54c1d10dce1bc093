-- Counts of alerts per jurisdiction × day raised × responsible person and department × rule ×
-- item (issue #17 item 2): the accountability report sums a date range of these instead of a
-- GROUP BY over every alert of the period with a look-up of each alert's case.
--
-- Written by the alert projection (`store::rules`) in the alert's own transaction, the item
-- resolved once there: a case's item code for a `case:` subject, the subject itself for an
-- `item:` subject (the report cuts it), '' otherwise; '' also stands for no responsible person
-- or department. Alerts are never deleted and their status does not count, so rows only grow.
-- A projected table (`ledger verify` compares it); `oneseal rules replay` also recounts it from
-- the alerts the log proves. The primary key starts with (jurisdiction, day): a period is one
-- range. Existing alerts are counted here, their items resolved as the report resolved them.
CREATE TABLE alert_tallies (
    jurisdiction TEXT NOT NULL,
    day TEXT NOT NULL,
    responsible TEXT NOT NULL,
    responsible_department TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    item TEXT NOT NULL,
    alerts INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, day, responsible, responsible_department, rule_id, item)
);
INSERT INTO alert_tallies (jurisdiction, day, responsible, responsible_department, rule_id, item, alerts)
SELECT a.jurisdiction, a.raised_on, COALESCE(a.responsible, ''), COALESCE(a.responsible_department, ''),
    a.rule_id,
    COALESCE(CASE WHEN a.subject LIKE 'case:%' THEN c.item_code
                  WHEN a.subject LIKE 'item:%' THEN a.subject END, ''),
    COUNT(*)
FROM alerts a LEFT JOIN cases c ON a.subject LIKE 'case:%' AND c.case_number = substr(a.subject, 6)
GROUP BY 1, 2, 3, 4, 5, 6;
