//! Whether this process runs the background work: the checkpointer, the rule and linkage
//! runners and webhook deliveries. With several `oneseal serve` on one PostgreSQL database
//! exactly one of them leads (an advisory lock, see `oneseal_store::leader`); the others serve
//! requests only. A process that loses its lock stops its background work at the next tick.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use oneseal_store::leader::Leader;

/// How often a process confirms or tries to take the lead.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// A shared flag, set by [`Leadership::follow`]. A fresh one leads (one process, tests).
#[derive(Clone, Debug)]
pub struct Leadership(Arc<AtomicBool>);

impl Default for Leadership {
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl Leadership {
    /// Starts out following: the lock decides.
    pub fn follower() -> Self {
        Self(Arc::new(AtomicBool::new(false)))
    }

    pub fn is_leader(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Checks the lock every [`CHECK_EVERY`] and keeps the flag in step with it. A failed
    /// check counts as not leading: a process unsure of its lock must not act as leader.
    pub fn follow(&self, leader: Arc<Leader>) -> tokio::task::JoinHandle<()> {
        let flag = self.0.clone();
        tokio::spawn(async move {
            loop {
                let l = leader.clone();
                let now = tokio::task::spawn_blocking(move || l.check())
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or(false);
                if flag.swap(now, Ordering::SeqCst) != now {
                    tracing::info!(leader = now, "background work leadership changed");
                }
                tokio::time::sleep(CHECK_EVERY).await;
            }
        })
    }
}
