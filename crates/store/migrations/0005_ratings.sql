-- Service ratings (好差评) and the rectification of bad ones: a projection of rating.* events.
CREATE TABLE ratings (
    case_number TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    level TEXT NOT NULL,
    channel TEXT NOT NULL,
    rated_on TEXT NOT NULL,
    rectification_due TEXT,
    rectification_status TEXT,
    rectified_by TEXT,
    rectification_explanation TEXT
);
CREATE INDEX ratings_jurisdiction ON ratings (jurisdiction, level);
