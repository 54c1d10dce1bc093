-- Counters of case steps per day × jurisdiction × item × person (issue #17 item 2): the dashboard,
-- the public statistics and the accountability report sum a date range of these instead of
-- folding every case of a jurisdiction per request.
--
-- Written by `store::aggregates` in the step's own transaction (increments, never a fold), and
-- rebuilt from the events and compared by `ledger verify`. `person` is the approving official of
-- a decision (a staff id, never a name) and '' for the steps no report groups by person.
-- `day` is the step's legal date (YYYY-MM-DD). `timed` counts the decisions whose legal clock
-- could be read; `on_time` those of them decided within the statutory limit (extensions
-- included); `working_days` sums acceptance → decision over the timed ones.
CREATE TABLE case_tallies (
    jurisdiction TEXT NOT NULL,
    day TEXT NOT NULL,
    item TEXT NOT NULL,
    person TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    not_accepted INTEGER NOT NULL DEFAULT 0,
    decided INTEGER NOT NULL DEFAULT 0,
    granted INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    timed INTEGER NOT NULL DEFAULT 0,
    on_time INTEGER NOT NULL DEFAULT 0,
    working_days INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (jurisdiction, day, item, person)
);
-- The dashboard counts open rectifications of bad ratings without reading every rating.
CREATE INDEX ratings_rectification ON ratings (jurisdiction, rectification_status, rectification_due);
