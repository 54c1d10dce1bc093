-- "One thing" bundles (一件事一次办, issue #20 item 2): which cases were applied for together.
--
-- A projection of the receipts' bundle link (`Received.bundle`), written by `store::bundles`
-- with the case's first row and rebuilt and compared by `ledger verify` like every projection.
-- `application` is the case number of the application's first case; `position` and `members`
-- place the case among the application's cases; `blocks` (0/1) whether a refused item blocks the
-- others. The cases' statuses are read from `cases`.
CREATE TABLE bundle_cases (
    application TEXT NOT NULL,
    case_number TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    bundle_code TEXT NOT NULL,
    position INTEGER NOT NULL,
    members INTEGER NOT NULL,
    blocks INTEGER NOT NULL,
    received_on TEXT NOT NULL,
    PRIMARY KEY (application, case_number)
);
-- A case's application (the bundle check of a decision, the case and progress pages).
CREATE INDEX bundle_cases_case ON bundle_cases (case_number);
-- One jurisdiction's applications, newest first, and the statistics per bundle.
CREATE INDEX bundle_cases_list ON bundle_cases (jurisdiction, application);
