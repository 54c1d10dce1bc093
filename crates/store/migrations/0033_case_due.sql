-- The decision deadline of every undecided open case as a few dates (issue #17): the dashboard
-- and the queue's due bands read these instead of folding every open case per request.
--
-- Written by `store::case_due` in each case step's transaction (from the folded case and the
-- calendar the command ran with), rewritten for every open case when a calendar year is
-- imported or a correction approved, rebuilt from the events and compared by `ledger verify`.
-- A decided or closed case has no row. `kind`: `counted` (read from `due_on` and `yellow_on`,
-- after `notice_due` when set), `none` (no decision clock until the next step), `folded` (a
-- special procedure is open, its `due_on` empty; or a pause lies after the due date: the reader
-- folds the case).
-- `status` is the case's BLZT status code; `provisional` whether a date rests on a 暂定 year.
CREATE TABLE case_due (
    case_number TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER NOT NULL,
    due_on TEXT,
    yellow_on TEXT,
    notice_due TEXT,
    provisional INTEGER NOT NULL
);
-- The due bands of one jurisdiction's queue and the dashboard's groups: a range of due dates.
CREATE INDEX case_due_band ON case_due (jurisdiction, due_on);
