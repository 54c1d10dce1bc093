CREATE TABLE case_events_packed (
    case_number TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (case_number, seq)
) WITHOUT ROWID;
-- Two more tables SQLite stored twice (a rowid table, and its primary key's index holding every
-- column again): the steps' places on the log and the name index's pieces. Keyed by their
-- primary key alone, each row is stored once.
CREATE TABLE case_entries_keyed (
    case_number TEXT NOT NULL,
    seq INTEGER NOT NULL,
    log TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
) WITHOUT ROWID;
INSERT INTO case_entries_keyed (case_number, seq, log, idx, kind)
    SELECT case_number, seq, log, idx, kind FROM case_entries;
DROP TABLE case_entries;
ALTER TABLE case_entries_keyed RENAME TO case_entries;
CREATE TABLE case_name_pairs_keyed (
    pair TEXT NOT NULL,
    case_number TEXT NOT NULL,
    PRIMARY KEY (pair, case_number)
) WITHOUT ROWID;
INSERT INTO case_name_pairs_keyed (pair, case_number)
    SELECT pair, case_number FROM case_name_pairs;
DROP TABLE case_name_pairs;
ALTER TABLE case_name_pairs_keyed RENAME TO case_name_pairs;
