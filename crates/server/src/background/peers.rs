//! State a server keeps in memory that another server process on the same database may change:
//! the calendar (an administrator imports a year) and the seal keys (a seal is registered or
//! rotated in). With one process every such change passes through it and updates its memory at
//! once; with several on one PostgreSQL database, each process refreshes from the database.

use std::sync::Arc;
use std::time::Duration;

use crate::AppState;
use crate::services::ledger::keys::MasterKey;

/// How stale a peer's change may be on this process.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// Reloads the calendar and picks up new seal keys every [`REFRESH_EVERY`]; failures are
/// logged and retried.
pub fn spawn_refresh(state: AppState, master: Arc<MasterKey>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(REFRESH_EVERY).await;
            let (st, m) = (state.clone(), master.clone());
            match tokio::task::spawn_blocking(move || refresh_once(&st, &m)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => {
                    tracing::info!(keys = n, "seal keys registered by another server loaded")
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "refreshing shared state"),
                Err(e) => tracing::warn!(error = %e, "refreshing shared state"),
            }
        }
    })
}

/// One refresh (blocking): the calendar from the stored years, and the seal keys not held yet.
/// Returns how many seal keys were added.
pub fn refresh_once(state: &AppState, master: &MasterKey) -> Result<usize, String> {
    state
        .store
        .read_blocking(|c| state.calendar.reload(c))
        .map_err(|e| e.to_string())?;
    state
        .seal_keys
        .load_missing(&state.store, master)
        .map_err(|e| format!("{e:?}"))
}
