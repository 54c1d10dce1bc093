-- A sealed document and its signature were stored twice: in `sealed_documents` and in the
-- `seal.document_sealed` event's body on the log. They stay on the log only (`store::seals`
-- reads them there through `document_entries`, written by the same command); the projection
-- keeps what lists and checks need. Rows are copied, not the documents: one pass over the table.
CREATE TABLE sealed_documents_lean (
    case_number TEXT NOT NULL,
    document_kind TEXT NOT NULL,
    es_id TEXT NOT NULL,
    document_sm3 TEXT NOT NULL,
    signer TEXT NOT NULL,
    PRIMARY KEY (case_number, document_kind)
);
INSERT INTO sealed_documents_lean (case_number, document_kind, es_id, document_sm3, signer)
    SELECT case_number, document_kind, es_id, document_sm3, signer FROM sealed_documents;
DROP TABLE sealed_documents;
ALTER TABLE sealed_documents_lean RENAME TO sealed_documents;
