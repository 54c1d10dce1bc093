-- Where each step of a case is on its log (an index for the public progress page's receipts,
-- like document_entries; not a projection).
CREATE TABLE case_entries (
    case_number TEXT NOT NULL,
    seq INTEGER NOT NULL,
    log TEXT NOT NULL,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
);
