-- Month roll-ups of `case_tallies` (issue #17): the same counters per jurisdiction × month ×
-- item × person, so that a period sums its whole months from these rows and only the partial
-- months at its two ends from the day rows. `/stats` and the accountability report's default
-- period are the whole history, whose day rows grow with every working day; its months grow
-- thirty times slower.
--
-- Written by `store::aggregates` with each day row, the same increments in the same
-- transaction, so a month row is always the sum of its days. A projected table: `ledger verify`
-- rebuilds it with the day rows (`aggregates::rebuild`) and compares. `month` is `YYYY-MM`, the
-- month of the step's legal date; the primary key starts with (jurisdiction, month): a range of
-- months is one index range. Filled here from the day rows.
CREATE TABLE case_tallies_monthly (
    jurisdiction TEXT NOT NULL,
    month TEXT NOT NULL,
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
    PRIMARY KEY (jurisdiction, month, item, person)
);
INSERT INTO case_tallies_monthly (jurisdiction, month, item, person, received, accepted,
    not_accepted, decided, granted, refused, withdrawn, timed, on_time, working_days)
SELECT jurisdiction, substr(day, 1, 7), item, person,
    CAST(SUM(received) AS BIGINT), CAST(SUM(accepted) AS BIGINT),
    CAST(SUM(not_accepted) AS BIGINT), CAST(SUM(decided) AS BIGINT),
    CAST(SUM(granted) AS BIGINT), CAST(SUM(refused) AS BIGINT),
    CAST(SUM(withdrawn) AS BIGINT), CAST(SUM(timed) AS BIGINT),
    CAST(SUM(on_time) AS BIGINT), CAST(SUM(working_days) AS BIGINT)
FROM case_tallies GROUP BY jurisdiction, substr(day, 1, 7), item, person;
