-- PostgreSQL's name index: pg_trgm over `cases.applicant_name`. The extension is created once
-- per database (in `public`, so every schema finds its operator class); the advisory lock keeps
-- two schemas migrating at once from racing to create it.
SELECT pg_advisory_xact_lock(7301715);
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX case_names ON cases USING gin (applicant_name public.gin_trgm_ops);
