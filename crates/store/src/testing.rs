//! What tests need from the database that the application never does: edit a row behind the
//! ledger's back (`tamper`), or read a table as it lies on disk (`peek`).
//!
//! Why it exists: every SQL statement lives in this crate, tests' included, so a schema change
//! is one search away and the server's test code holds no SQL. Built only with the `test-util`
//! feature (`oneseal-testkit` turns it on), so no production binary can tamper with its own
//! data. A test that tampers with a projection or the log must say so to its `TestApp`
//! (`expect_corrupted`), or the app's end check (`ledger verify`, `rules replay`) fails it.

pub mod peek;
pub mod tamper;
