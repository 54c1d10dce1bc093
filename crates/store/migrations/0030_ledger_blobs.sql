-- What every signature repeats, stored once (issue #17 item 5): a sealed document's body on the
-- log refers to its seal (with the seal's picture) and its signer's certificate by SHA-256
-- (`store::codec`); the bytes live here, one row per distinct value. Private like the bodies:
-- never served. Rows are only ever added (a hash names one content; packed rows refer to them).
CREATE TABLE ledger_blobs (
    hash BLOB PRIMARY KEY,
    bytes BLOB NOT NULL
);
