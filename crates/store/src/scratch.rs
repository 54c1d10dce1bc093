//! Throw-away databases for tests, on whichever backend the environment names.
//!
//! `ONESEAL_TEST_DATABASE_URL=postgres://…` gives each scratch database its own schema on that
//! server; without it each gets its own SQLite file in the temp directory. Both are removed
//! when the guard drops. CI runs every suite both ways.

use std::path::PathBuf;

use crate::{Database, StoreError};

/// The PostgreSQL server tests should use, if any.
pub fn test_postgres_url() -> Option<String> {
    std::env::var("ONESEAL_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh database that is removed on drop.
#[derive(Debug)]
pub struct ScratchDb {
    pub database: Database,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Dir(PathBuf),
    Schema { admin_url: String, schema: String },
}

fn random_suffix() -> Result<String, StoreError> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
    Ok(hex::encode(b))
}

impl ScratchDb {
    /// Creates the database on the backend the environment names. Call it off async worker
    /// threads (it may talk to PostgreSQL).
    pub fn new() -> Result<Self, StoreError> {
        Self::new_on(test_postgres_url().as_deref())
    }

    /// Creates the database in a fresh schema of `postgres_url`, or as a SQLite file if `None`.
    pub fn new_on(postgres_url: Option<&str>) -> Result<Self, StoreError> {
        let suffix = random_suffix()?;
        match postgres_url.map(str::to_owned) {
            Some(admin_url) => {
                let schema = format!("t_{suffix}");
                let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls)?;
                admin.batch_execute(&format!("CREATE SCHEMA {schema}"))?;
                let sep = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
                Ok(Self {
                    database: Database::Postgres(url),
                    cleanup: Cleanup::Schema { admin_url, schema },
                })
            }
            None => {
                let dir = std::env::temp_dir().join(format!("oneseal-test-{suffix}"));
                std::fs::create_dir_all(&dir)?;
                Ok(Self {
                    database: Database::Sqlite(dir.join("oneseal.db")),
                    cleanup: Cleanup::Dir(dir),
                })
            }
        }
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { admin_url, schema } => {
                let (url, schema) = (admin_url.clone(), schema.clone());
                // The sync client owns a runtime: keep it on a plain thread.
                let _ = std::thread::spawn(move || {
                    if let Ok(mut c) = postgres::Client::connect(&url, postgres::NoTls) {
                        let _ = c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
                    }
                })
                .join();
            }
        }
    }
}
