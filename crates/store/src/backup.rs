//! Consistent copies of the SQLite database, taken while the server may be writing.
//!
//! `VACUUM INTO` runs inside one read transaction, so the copy is the database as of one
//! commit, however many writes the server makes meanwhile (WAL readers do not block the writer),
//! and it needs no extra rusqlite feature. The copy is a plain, compacted SQLite file in rollback
//! journal mode; [`check_snapshot`] opens it read-only, so checking does not change it.
//! PostgreSQL is backed up with its own tools (docs/OPERATIONS.md).

use std::path::Path;

use rusqlite::OpenFlags;

use crate::StoreError;

/// What a snapshot holds: the schema version and each log's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// The highest applied migration.
    pub schema_version: i64,
    /// (log, number of entries), by log name.
    pub logs: Vec<(String, u64)>,
}

/// Writes a consistent copy of the SQLite database `src` to `out` (which must not exist; it is
/// created with mode 0600) and checks it.
///
/// # Errors
/// [`StoreError::Io`] when `out` exists or `src` does not; [`StoreError::Sqlite`] when the copy
/// fails; [`StoreError::Corrupt`] when the copy does not check.
pub fn sqlite_snapshot(src: &Path, out: &Path) -> Result<SnapshotInfo, StoreError> {
    if !src.is_file() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no database at {}", src.display()),
        )));
    }
    // Read-write without create: a WAL database needs its shared-memory file to be writable
    // even for readers, and a missing database must not be created empty.
    let conn = rusqlite::Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    let target = out
        .to_str()
        .ok_or_else(|| StoreError::Corrupt(format!("{} is not UTF-8", out.display())))?;
    create_private(out)?;
    // VACUUM INTO fills an empty file; on failure the empty file goes again.
    if let Err(e) = conn.execute("VACUUM INTO ?1", [target]) {
        let _ = std::fs::remove_file(out);
        return Err(e.into());
    }
    drop(conn);
    check_snapshot(out)
}

/// Creates `out` empty, readable by its owner only (the copy holds private event payloads with
/// personal data), and never over an existing file.
fn create_private(out: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)
        .map_err(|e| {
            StoreError::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}; a backup never overwrites a file", out.display()),
            ))
        })?;
    Ok(())
}

/// Opens a snapshot read-only and checks it: SQLite's integrity check, a oneseal schema, and
/// readable log heads.
///
/// # Errors
/// [`StoreError::Corrupt`] when the file is not an intact oneseal database.
pub fn check_snapshot(path: &Path) -> Result<SnapshotInfo, StoreError> {
    let conn = rusqlite::Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let not_oneseal = |e: rusqlite::Error| {
        StoreError::Corrupt(format!("{} is not a oneseal database: {e}", path.display()))
    };
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(not_oneseal)?;
    if integrity != "ok" {
        return Err(StoreError::Corrupt(format!(
            "{}: integrity check: {integrity}",
            path.display()
        )));
    }
    let schema_version: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
            r.get(0)
        })
        .map_err(not_oneseal)?;
    let mut stmt = conn
        .prepare("SELECT log, size FROM ledger_heads ORDER BY log")
        .map_err(not_oneseal)?;
    let logs = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .map_err(not_oneseal)?
        .map(|r| {
            let (log, size) = r.map_err(not_oneseal)?;
            let size = u64::try_from(size)
                .map_err(|_| StoreError::Corrupt(format!("log {log} has size {size}")))?;
            Ok((log, size))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(SnapshotInfo {
        schema_version,
        logs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Database, Store};

    fn temp_dir() -> std::path::PathBuf {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        let d = std::env::temp_dir().join(format!("oneseal-backup-{}", hex::encode(b)));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_snapshot_of_an_open_store_checks_and_never_overwrites() {
        let dir = temp_dir();
        let db = dir.join("oneseal.db");
        let store = Store::open(Database::Sqlite(db.clone())).unwrap();
        let out = dir.join("backup.db");
        let info = sqlite_snapshot(&db, &out).unwrap();
        assert!(info.schema_version >= 1);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(
            sqlite_snapshot(&db, &out),
            Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists
        ));
        store.close();
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_file_that_is_not_a_oneseal_database_does_not_check() {
        let dir = temp_dir();
        let f = dir.join("other.db");
        rusqlite::Connection::open(&f)
            .unwrap()
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .unwrap();
        assert!(matches!(check_snapshot(&f), Err(StoreError::Corrupt(_))));
        std::fs::write(dir.join("junk.db"), b"not a database at all").unwrap();
        assert!(check_snapshot(&dir.join("junk.db")).is_err());
        assert!(sqlite_snapshot(&dir.join("missing.db"), &dir.join("o.db")).is_err());
        assert!(
            !dir.join("missing.db").exists(),
            "no empty database created"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
