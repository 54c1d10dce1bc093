-- Every text column of oneseal's schema gets the "C" collation, so PostgreSQL compares text by
-- its bytes, as SQLite's BINARY and Rust's `str` do, whatever locale the database was made with.
--
-- Why: (1) one order everywhere: keyset cursors, case and push numbers, dates kept as text sort
-- alike in SQLite, in PostgreSQL and in Rust, so a page cannot skip or repeat a row because a
-- locale (en_US, zh_CN) orders differently; (2) speed: under any other collation, Debian's
-- default C.UTF-8 included, each comparison in a B-tree calls strcoll, which showed in the
-- writer's profile, and sorts go without abbreviated keys (docs/VOLUME.md, session 18).
--
-- All columns change in this one migration because comparing a "C" column with one of the
-- database's default collation has no collation to use and fails. The values do not change, so
-- no table is rewritten, but every index on a text column is rebuilt (minutes on a year of
-- cases). The migration runner (store::migrate::run) runs this block again inside every
-- migration applied after this one, so the columns of later migrations become "C" as well; the test
-- `text_sorts_by_its_bytes_on_both_backends` checks it.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.table_name,
               string_agg(format('ALTER COLUMN %I TYPE text COLLATE "C"', c.column_name), ', '
                          ORDER BY c.ordinal_position) AS changes
        FROM information_schema.columns c
        JOIN information_schema.tables tb
          ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = current_schema()
          AND tb.table_type = 'BASE TABLE'
          AND c.data_type = 'text'
          AND c.collation_name IS DISTINCT FROM 'C'
        GROUP BY c.table_name
        ORDER BY c.table_name
    LOOP
        EXECUTE format('ALTER TABLE %I %s', r.table_name, r.changes);
    END LOOP;
END
$$;
