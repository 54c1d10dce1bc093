-- Tree nodes keep only their key and hash (issue #17 item 5): the key already encodes the
-- log's number, the level and the index (`store::log::node_key`; migration 3), so the `log`,
-- `level` and `idx` columns repeated it in every row (2.3 KB a case on SQLite, 5.0 KB on
-- PostgreSQL at 2,000 cases). Readers derive the level and index from the key
-- (`log::node_of_key`); leaves are the keys whose low six bits are 0. One copy of the table.
CREATE TABLE ledger_nodes_lean (
    id INTEGER PRIMARY KEY,
    hash BLOB NOT NULL
);
INSERT INTO ledger_nodes_lean (id, hash) SELECT id, hash FROM ledger_nodes;
DROP TABLE ledger_nodes;
ALTER TABLE ledger_nodes_lean RENAME TO ledger_nodes;
