CREATE TABLE case_events_packed (
    case_number TEXT NOT NULL,
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    body BYTEA NOT NULL,
    PRIMARY KEY (case_number, seq)
);
