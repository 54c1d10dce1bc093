-- Fills `case_tallies` for the cases written before migration 24: the backfill
-- (`store::aggregates::rebuild`) folds each existing case once, step by step, with the calendar
-- the database holds, exactly as the steps would have counted had the table existed.
DELETE FROM case_tallies;
