-- The files stored among each case's materials (issue #18 item 2): a projection of
-- `case.material_stored`. The files themselves live in the material store (a directory or an
-- S3 bucket), addressed by `sha256`; a case lists each file once.
CREATE TABLE case_materials (
    case_number TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    listed INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (case_number, sha256)
);
