-- Corrections of a year of the working-day calendar already in force (only days after the day
-- of the proposal may change). Proposed by the city's administrator, in force once the bureau
-- head approves; `base_json` is the year the correction replaces, kept so that a case decided
-- before the approval keeps the dates it was decided under. `body` is the private proposal
-- (reason, source, the deadlines it moves); only hashes and counts of it are public.
CREATE TABLE calendar_corrections (
    correction_id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    year INTEGER NOT NULL,
    json TEXT NOT NULL,
    base_json TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT
);
