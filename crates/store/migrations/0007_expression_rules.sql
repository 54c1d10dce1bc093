-- Local expression rules (CEL): every recorded version with its source and hash.
CREATE TABLE expression_rules (
    jurisdiction TEXT NOT NULL,
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    name_zh TEXT NOT NULL,
    expression TEXT NOT NULL,
    active INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, code, version)
);
