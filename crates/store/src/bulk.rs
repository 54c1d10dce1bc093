//! Settings of the writer's connection while a history is loaded in bulk (`oneseal demo
//! generate`, `serve --demo`): thousands of steps per transaction, each touching a dozen tables
//! and their indexes.
//!
//! SQLite's page cache is 2 MiB by default. A bulk transaction changes far more pages than
//! that, so SQLite spills dirty pages to the WAL in the middle of it and reads the B-trees'
//! upper pages back again and again. A larger cache changes neither what is written nor when
//! it is durable (the commit and the syncer's fsync are the same), only how much memory the
//! writer keeps, so it is set for the load and put back after. PostgreSQL keeps its own
//! buffers: nothing to do there.
//!
//! After the load PostgreSQL's planner still holds the statistics of the empty tables until
//! autovacuum analyzes them (never, where it is off): it then took the case queue's search by
//! credit code for a walk of the jurisdiction (138–198 ms at 100,000 cases instead of 0.5), so
//! the load ends with [`analyze`]. SQLite's queries are written for its plans without
//! statistics, which `ANALYZE` would change: nothing is done there.

use crate::StoreError;
use crate::sql::{Backend, Conn};

/// The writer's page cache during a bulk load.
pub const BULK_CACHE_MIB: u32 = 256;

/// Widens the connection's page cache to `mib` MiB (SQLite; no-op on PostgreSQL).
pub fn widen_cache(conn: &mut dyn Conn, mib: u32) -> Result<(), StoreError> {
    if conn.backend() != Backend::Sqlite {
        return Ok(());
    }
    // A negative size is in KiB.
    conn.batch(&format!(
        "PRAGMA cache_size = -{}",
        u64::from(mib).saturating_mul(1024)
    ))
}

/// Puts the connection's page cache back to SQLite's default (2 MiB).
pub fn default_cache(conn: &mut dyn Conn) -> Result<(), StoreError> {
    if conn.backend() != Backend::Sqlite {
        return Ok(());
    }
    conn.batch("PRAGMA cache_size = -2000")
}

/// Gathers the planner's statistics after a bulk load (PostgreSQL; no-op on SQLite).
pub fn analyze(conn: &mut dyn Conn) -> Result<(), StoreError> {
    if conn.backend() != Backend::Postgres {
        return Ok(());
    }
    conn.batch("ANALYZE")
}
