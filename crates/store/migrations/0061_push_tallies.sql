-- Counts of pushes per jurisdiction × department × status (issue #17 item 2): the bureau's
-- tracking view, the departments' page and the dashboard read these few rows instead of a
-- GROUP BY over every push of the history per request.
--
-- Written by the push projection (`store::linkage`) in the push event's own transaction: a new
-- push adds one to its (department, status), a change of either moves one from the old row to
-- the new; a row that falls to zero is deleted, so the rows are exactly the GROUP BY's. It is a
-- projected table: `ledger verify` replays it and compares. `department` is '' while a push has
-- none (unmapped).
CREATE TABLE push_tallies (
    jurisdiction TEXT NOT NULL,
    department TEXT NOT NULL,
    status TEXT NOT NULL,
    pushes INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, department, status)
);
INSERT INTO push_tallies (jurisdiction, department, status, pushes)
SELECT jurisdiction, COALESCE(department, ''), status, COUNT(*)
FROM pushes GROUP BY jurisdiction, COALESCE(department, ''), status;
-- "Overdue" (awaiting its claim past the due date) depends on the day asked: the counts give the
-- pushes awaiting, this index the few of them not yet due (due today or later), so overdue is
-- their difference and the range read is bounded by the recent pushes, not the history.
CREATE INDEX pushes_awaiting ON pushes (jurisdiction, claim_due, department) WHERE status = 'awaiting_claim';
