-- Lookups that ran on every case step and walked a whole table.
--
-- The current version of one item is read on every decision (its supervising department) and
-- every intake. Without this index SQLite answered `jurisdiction = ? AND basic_code = ? AND
-- current = 1` through items_current, walking every current item of the jurisdiction.
CREATE INDEX items_code_current ON items (jurisdiction, basic_code, current);

-- Sealing a document reads the bureau's seals of its jurisdiction; the registry is keyed by
-- es_id only, so that read scanned every seal (each with its DER) of every jurisdiction.
CREATE INDEX seals_jurisdiction ON seals (jurisdiction, kind);
