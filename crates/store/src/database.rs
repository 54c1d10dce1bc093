//! Where the data lives: a SQLite file or a PostgreSQL URL, parsed from one setting.
//!
//! Its own module because the leader election and the tools open plain connections from it
//! without the rest of the store.

use std::fmt;
use std::path::PathBuf;

use crate::error::StoreError;
use crate::pg;
use crate::sql::Conn;
use crate::sqlite::SqliteConn;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL URL, e.g. `postgres://127.0.0.1:5432/test`.
    Postgres(String),
}

impl fmt::Debug for Database {
    /// Redacts a password in the URL: Debug output ends up in logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Database::Sqlite(p) => write!(f, "Sqlite({})", p.display()),
            Database::Postgres(url) => write!(f, "Postgres({})", redact_url(url)),
        }
    }
}

fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Database {
    /// `postgres://…` / `postgresql://…` name PostgreSQL; anything else is a SQLite path
    /// (an optional `sqlite://` prefix is removed).
    pub fn parse(s: &str) -> Result<Self, StoreError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(StoreError::BadUrl("empty database url".into()));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            return Ok(Database::Postgres(s.to_owned()));
        }
        let path = s.strip_prefix("sqlite://").unwrap_or(s);
        Ok(Database::Sqlite(PathBuf::from(path)))
    }

    /// The text `parse` reads back: the PostgreSQL URL or the SQLite file's path.
    pub fn url(&self) -> String {
        match self {
            Database::Postgres(u) => u.clone(),
            Database::Sqlite(p) => p.display().to_string(),
        }
    }

    /// Opens a plain connection (no migrations): for tools and tests that inspect the database.
    pub fn connect(&self) -> Result<Box<dyn Conn>, StoreError> {
        Ok(match self {
            Database::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                Box::new(SqliteConn::open(path)?)
            }
            Database::Postgres(url) => Box::new(pg::PgConn::connect(url)?),
        })
    }
}
