-- The alerts list's order (open before closed, then oldest first) as an index (issue #17).
-- `alerts_page` runs (jurisdiction, status, raised_on, alert_id) all ascending, and the list asks
-- `status DESC, raised_on ASC, alert_id ASC`: neither SQLite nor PostgreSQL can walk one index
-- in mixed directions, so each page sorted every alert of the jurisdiction (103 ms at 842,000
-- alerts, growing). An index in the list's own directions gives the first page as the first
-- rows of one range, and the way back as the same range walked backwards.
CREATE INDEX alerts_order ON alerts (jurisdiction, status DESC, raised_on, alert_id);
