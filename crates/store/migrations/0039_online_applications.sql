-- Online applications (issue #19 item 4): an applicant's drafts and submissions before a clerk
-- registers them as cases (Art. 33: the submission time becomes the case's receipt time), and
-- the files the applicant uploaded to the material store.
--
-- `body` is the intake body as the applicant wrote it (names, ID and phone numbers: personal
-- data, never logged, never on a public page or the public ledger). `status`: draft,
-- submitted, registered, withdrawn. `supplement` holds the materials an applicant sent online
-- in answer to a one-time notice, until a clerk records them on the case.
CREATE TABLE online_applications (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    item_code TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    case_number TEXT,
    supplement TEXT,
    supplement_at BIGINT
);
CREATE INDEX online_applications_mine ON online_applications (subject, created_at);
CREATE INDEX online_applications_queue ON online_applications (jurisdiction, status, submitted_at);
CREATE TABLE applicant_files (
    subject TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    PRIMARY KEY (subject, sha256)
);
