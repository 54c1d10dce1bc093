CREATE TABLE applicant_bans (
    applicant_id TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    item_code TEXT NOT NULL,
    case_number TEXT NOT NULL,
    article TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT NOT NULL,
    PRIMARY KEY (applicant_id, jurisdiction, item_code, case_number, article)
);
CREATE UNIQUE INDEX applicant_bans_case ON applicant_bans (case_number, article);
