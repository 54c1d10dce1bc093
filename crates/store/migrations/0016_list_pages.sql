-- Lists read a page at a time by keyset (issue #17): each list's order, ending in its unique
-- key, is an index, so a page is one seek however long the list has grown.
CREATE INDEX alerts_page ON alerts (jurisdiction, status, raised_on, alert_id);
CREATE INDEX pushes_page ON pushes (jurisdiction, push_id);
CREATE INDEX pushes_department_page ON pushes (jurisdiction, department, push_id);
CREATE INDEX ratings_page ON ratings (jurisdiction, rated_on, case_number);
