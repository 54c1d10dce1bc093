-- The applicant's inbox (issue #19 item 4): a message at every public step of a case, in the
-- site inbox at /my and, through the message sender, as a text message.
--
-- `applicant_accounts` remembers who has signed in at least once (a subject, never a number):
-- a case received at the window reaches the inbox of the account of its contact mobile only
-- when such an account exists (the applicant chose to use the site).
--
-- `applicant_messages`: one row per recipient and public step (`idx` is the step's ledger
-- index, so a step is told once). `text` is plain words (case number, item, step): no personal
-- data. `sms_to` is the contact mobile the text message goes to, kept only until the delivery
-- worker hands it over (then NULL, with `sent_at` or not).
CREATE TABLE applicant_accounts (
    subject TEXT PRIMARY KEY,
    first_at BIGINT NOT NULL
);
CREATE TABLE applicant_messages (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    case_number TEXT NOT NULL,
    idx BIGINT NOT NULL,
    step TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    sms_to TEXT,
    sent_at BIGINT
);
CREATE UNIQUE INDEX applicant_messages_once ON applicant_messages (case_number, idx, subject);
CREATE INDEX applicant_messages_inbox ON applicant_messages (subject, created_at);
CREATE INDEX applicant_messages_unsent ON applicant_messages (created_at) WHERE sms_to IS NOT NULL;
-- Each public step looks its case's online application up by case number.
CREATE INDEX online_applications_case ON online_applications (case_number);
