-- The case queue pages by case number and filters and searches on indexed columns (issue #17):
-- a year's million cases cannot be read whole for every look at the queue.
--
-- Every new column is projected from the case's events (`projection::write_case_event`) and
-- compared by `ledger verify`; existing rows are filled by the migration's backfill, which folds
-- each case once. The applicant's name and ID or credit code are personal data the database
-- already holds in `case_events`; here they are only indexed, for staff search.
ALTER TABLE cases ADD COLUMN search_key INTEGER;
ALTER TABLE cases ADD COLUMN channel TEXT;
ALTER TABLE cases ADD COLUMN assignee TEXT;
ALTER TABLE cases ADD COLUMN decided_on TEXT;
ALTER TABLE cases ADD COLUMN applicant_name TEXT;
ALTER TABLE cases ADD COLUMN applicant_id TEXT;
-- The integer twin of the case number (same order), so that the name index below can hand back
-- matches in queue order and within one jurisdiction's range.
CREATE UNIQUE INDEX cases_search_key ON cases (search_key);
-- The open queue, and the filters a clerk uses, each ending in the page order.
CREATE INDEX cases_queue ON cases (jurisdiction, closed, case_number);
CREATE INDEX cases_item ON cases (jurisdiction, item_code, case_number);
CREATE INDEX cases_status ON cases (jurisdiction, status, case_number);
CREATE INDEX cases_assignee ON cases (assignee, case_number);
CREATE INDEX cases_decided ON cases (jurisdiction, decided_on);
CREATE INDEX cases_applicant_id ON cases (applicant_id);
-- Every two-character piece of each applicant's name: trigram indexes cannot find a substring
-- shorter than three characters, and many Chinese names are two.
CREATE TABLE case_name_pairs (
    pair TEXT NOT NULL,
    case_number TEXT NOT NULL,
    PRIMARY KEY (pair, case_number)
);
