//! The rollback guard: the latest signed checkpoint of each log, kept *outside* the database.
//!
//! A database restored from an older backup also restores its `checkpoints` table, so it cannot
//! notice that it went back in time. This file-per-log anchor (written atomically after each
//! checkpoint is committed, as sunlight keeps its lock database apart) can: at start the server
//! refuses to run when the stored log is shorter than, or disagrees with, the anchored checkpoint.

use std::io::Write;
use std::path::{Path, PathBuf};

use oneseal_ledger::Hash;
use oneseal_ledger::hash::{hash_from_base64, hash_to_base64};
use oneseal_store::{Conn, StoreError, log};

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error(
        "log {log}: storage holds {stored} entries but checkpoint {anchored} was already signed — \
         the database was restored from an older backup or truncated; refusing to start \
         (存储落后于已签名检查点，疑似回滚，拒绝启动)"
    )]
    Behind {
        log: String,
        stored: u64,
        anchored: u64,
    },
    #[error(
        "log {log}: the stored tree at size {size} does not match the signed checkpoint — history \
         was rewritten; refusing to start (日志历史与已签名检查点不一致，拒绝启动)"
    )]
    Rewritten { log: String, size: u64 },
    #[error("anchor file {0}: {1}")]
    Io(String, std::io::Error),
    #[error("anchor file {0} is malformed")]
    Malformed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The directory of anchor files.
#[derive(Clone, Debug)]
pub struct Anchors {
    dir: PathBuf,
}

impl Anchors {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
        }
    }

    fn path(&self, log: &str) -> PathBuf {
        self.dir.join(format!("{log}.checkpoint"))
    }

    /// Records (size, root) durably: write a temporary file, fsync, rename, fsync the directory.
    pub fn record(&self, log: &str, size: u64, root: &Hash) -> Result<(), AnchorError> {
        let io = |e| AnchorError::Io(self.dir.display().to_string(), e);
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let tmp = self.dir.join(format!("{log}.checkpoint.tmp"));
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(format!("{size} {}\n", hash_to_base64(root)).as_bytes())
            .map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, self.path(log)).map_err(io)?;
        std::fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(io)?;
        Ok(())
    }

    /// The anchored (size, root) of a log, if any.
    pub fn read(&self, log: &str) -> Result<Option<(u64, Hash)>, AnchorError> {
        let path = self.path(log);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AnchorError::Io(path.display().to_string(), e)),
        };
        let bad = || AnchorError::Malformed(path.display().to_string());
        let (size, root) = text.trim().split_once(' ').ok_or_else(bad)?;
        let size = size.parse().map_err(|_| bad())?;
        let root = hash_from_base64(root).map_err(|_| bad())?;
        Ok(Some((size, root)))
    }

    /// Every anchored log name.
    fn logs(&self) -> Result<Vec<String>, AnchorError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(AnchorError::Io(self.dir.display().to_string(), e)),
        };
        Ok(entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".checkpoint"))
                    .map(str::to_owned)
            })
            .collect())
    }

    /// Refuses storage that is behind or disagrees with any anchored checkpoint.
    pub fn check(&self, conn: &mut dyn Conn) -> Result<(), AnchorError> {
        for log_name in self.logs()? {
            let Some((size, root)) = self.read(&log_name)? else {
                continue;
            };
            let (stored, _) = log::read_head(conn, &log_name)?;
            if stored < size {
                return Err(AnchorError::Behind {
                    log: log_name,
                    stored,
                    anchored: size,
                });
            }
            let at = log::root_at(conn, &log_name, size).map_err(|_| AnchorError::Rewritten {
                log: log_name.clone(),
                size,
            })?;
            if at != root {
                return Err(AnchorError::Rewritten {
                    log: log_name,
                    size,
                });
            }
        }
        Ok(())
    }
}
