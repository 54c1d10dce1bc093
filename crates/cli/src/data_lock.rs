//! One writing process per data directory.
//!
//! Two servers on one SQLite data directory would both start and both lead (each believes its
//! checkpointer is the only one), and `restore --force` would replace the database under a
//! running server. So `serve`, `restore` and the other commands that write hold an exclusive
//! lock on `<data>/oneseal.lock` for as long as they run; a second one exits at once and says
//! who holds it. The kernel drops the lock when the holder exits, even on SIGKILL, so a crash
//! never leaves a stale lock behind. Commands that only read the server's data (`backup`,
//! `ledger verify`, `rules replay`) take no lock: they are meant to run beside the server.
//! `ledger verify` adds one row of its own (`ledger_audits`) in a short transaction, as any
//! client of the database could.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The lock's file name inside the data directory.
pub const LOCK_FILE: &str = "oneseal.lock";

/// Held while the command runs; dropping it (or exiting) releases the lock.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
}

impl DataLock {
    /// Takes the data directory's lock for `command`, creating the directory if needed.
    ///
    /// # Errors
    /// Another process holds the lock (the message names its command and process id), or the
    /// lock file cannot be opened.
    pub fn acquire(dir: &Path, command: &str) -> Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                bail!(
                    "数据目录 {dir} 正被另一个 oneseal 进程使用（{holder}），请先停止它 \
                     Another oneseal process ({holder}) is using the data directory {dir}: stop \
                     it first (a backup can be taken while it runs with `oneseal backup`)",
                    dir = dir.display(),
                    holder = if holder.is_empty() { "?" } else { holder },
                );
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("locking {}", path.display()));
            }
        }
        // Who holds it, for the message a second process prints.
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "oneseal {command}, pid {}", std::process::id())?;
        file.flush()?;
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("oneseal-lock-{}", std::process::id()));
        let first = DataLock::acquire(&dir, "serve").unwrap_or_else(|e| panic!("{e:#}"));
        let refused = DataLock::acquire(&dir, "restore").map(|_| ()).unwrap_err();
        let text = format!("{refused:#}");
        assert!(
            text.contains("oneseal serve, pid") && text.contains("stop it first"),
            "{text}"
        );
        drop(first);
        let again = DataLock::acquire(&dir, "restore");
        assert!(again.is_ok(), "{:?}", again.err());
        drop(again);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
