-- The current version of one item is looked up on every decision (its supervising department)
-- and every intake. Without this index SQLite answered `jurisdiction = ? AND basic_code = ? AND
-- current = 1` through items_current, walking every current item of the jurisdiction.
CREATE INDEX items_code_current ON items (jurisdiction, basic_code, current);
