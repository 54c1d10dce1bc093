-- Where each rating is on its log (an index, like case_entries; not a projection): the bureau
-- head reads a bad rating's comment, which lives only in the entry's private body, when closing
-- its rectification. Filled for existing ratings by the migration's backfill (store::ratings).
CREATE TABLE rating_entries (
    case_number TEXT PRIMARY KEY,
    log TEXT NOT NULL,
    idx INTEGER NOT NULL
);
