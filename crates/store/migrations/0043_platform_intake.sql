-- Intake from the provincial service platform (issue #19 item 7). A platform's API token is a
-- row of `api_tokens` with the platform's name (its `department` is the fixed `PLATFORM`).
-- `platform_intakes` keeps, for good, each application a platform forwarded under its own
-- reference: a retry with the same reference answers the same case (the request's keyed
-- digest decides whether it is the same request; the nonce re-derives the same query code),
-- and each public step of the case is told to the platform. Its callbacks ride the department
-- feed and webhook tables (`dept_feed`, `webhooks`, `webhook_deliveries`) under the platform's
-- name, which is lower case and so never a department code: the one delivery worker signs and
-- retries them.
ALTER TABLE api_tokens ADD COLUMN platform TEXT;
CREATE TABLE platform_intakes (
    jurisdiction TEXT NOT NULL,
    platform TEXT NOT NULL,
    platform_ref TEXT NOT NULL,
    case_number TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ledger_index INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (jurisdiction, platform, platform_ref)
);
CREATE UNIQUE INDEX platform_intakes_case ON platform_intakes (case_number);
