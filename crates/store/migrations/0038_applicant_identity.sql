-- Applicants' sign-in (issue #19 item 3): one-time codes and applicant sessions, apart from
-- staff sessions (`sessions`), so that an applicant's cookie can never name a member of staff.
--
-- `subject` names the applicant without personal data: `phone:<keyed digest of the number>` for
-- the demo's phone sign-in, `oidc:<issuer>#<sub>` for the province's identity service later.
-- `label` is what the applicant's own pages show of it (a masked number, `138****5678`).
-- Codes are kept as keyed digests only; a used or exhausted code is kept until it expires so
-- that the sending limits can count it.
CREATE TABLE applicant_codes (
    subject TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    failures INTEGER NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (subject, created_at)
);
CREATE TABLE applicant_sessions (
    token_hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    label TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
