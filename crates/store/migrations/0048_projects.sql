-- Construction projects in parallel stages (工程建设项目审批制度改革, issue #20 item 3): a
-- projection of `project.event`. `project_events` holds each project's steps (the private body:
-- the project's and its owner's names are the bureau's, never published); `projects` is the
-- project folded, for the lists; `project_cases` links the cases to their stages (a case belongs
-- to one project at most). Written by `store::projects`, rebuilt and compared by `ledger verify`.
CREATE TABLE project_events (
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (code, seq)
);
CREATE TABLE projects (
    code TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT,
    registered_on TEXT NOT NULL,
    due TEXT,
    completed_on TEXT
);
CREATE INDEX projects_list ON projects (jurisdiction, code);
CREATE TABLE project_cases (
    case_number TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    stage TEXT NOT NULL
);
CREATE INDEX project_cases_code ON project_cases (code);
