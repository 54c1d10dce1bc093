-- SQLite's name index: FTS5 with the trigram tokenizer over `cases.applicant_name` (external
-- content, no second copy of the names), keyed by `cases.search_key`.
CREATE VIRTUAL TABLE case_names USING fts5(
    applicant_name,
    content = 'cases',
    content_rowid = 'search_key',
    tokenize = 'trigram'
);
