-- Deadlines of open cases that a change of the working-day calendar moved: an imported holiday
-- notice replacing a year that was counted provisionally, or an approved correction. The
-- bureau head and the administrator see them (which cases, which deadline, from and to), so a
-- clerk can tell the applicants whose dates changed. Private: the public log carries counts.
-- `source` is `import:YYYY` or the correction's id.
CREATE TABLE calendar_moves (
    source TEXT NOT NULL,
    year INTEGER NOT NULL,
    case_number TEXT NOT NULL,
    deadline TEXT NOT NULL,
    old_due TEXT NOT NULL,
    new_due TEXT NOT NULL,
    PRIMARY KEY (source, case_number, deadline)
);
CREATE INDEX calendar_moves_case ON calendar_moves (case_number);
