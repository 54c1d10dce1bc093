//! Signs each jurisdiction's log: a checkpoint every time the log grew (checked every second)
//! and a heartbeat when idle, so verifiers always have a fresh one.
//!
//! Order (crash-safe): the entries are durable before they are in any head → the checkpoint is
//! compare-and-swapped into `checkpoints` (never two roots for one size) → the anchor file is
//! written → witnesses are asked to cosign. Before signing, the root is recomputed on a path
//! separate from the writer's frontier: leaf hashes from the stored entry bytes, the root from
//! stored nodes, and a consistency proof from the previous signed checkpoint.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::hash::hash_to_base64;
use oneseal_ledger::note::NoteSigner;
use oneseal_ledger::{Hash, leaf_hash, verify_consistency};
use oneseal_store::{Conn, Store, StoreError, checkpoints, log};

use crate::services::ledger::anchor::Anchors;
use crate::services::ledger::keys::LogKeys;
use crate::wall_clock::WallClock;

/// Seconds between heartbeat checkpoints of an idle log.
pub const HEARTBEAT_SECONDS: i64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error(
        "log {log}: refusing to sign size {size}: a different root is already signed for it \
         (同一大小已签署不同的根，拒绝签名)"
    )]
    Fork { log: String, size: u64 },
    #[error("log {log}: recomputed tree does not match storage: {what}")]
    Mismatch { log: String, what: String },
    #[error("log {log}: {what}")]
    Sign { log: String, what: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Anchor(#[from] crate::services::ledger::anchor::AnchorError),
}

/// A checkpoint just signed.
#[derive(Clone, Debug)]
pub struct Signed {
    pub log: String,
    pub size: u64,
    pub root: Hash,
    pub note: String,
    /// Size of the previous signed checkpoint (for witnesses' consistency proofs).
    pub previous: Option<(u64, Hash)>,
}

use crate::services::ledger::latest;

/// Recomputes what the writer claims, on a separate path, before anything is signed.
fn verify_growth(
    conn: &mut dyn Conn,
    log_name: &str,
    previous: Option<(u64, Hash)>,
    size: u64,
    root: &Hash,
) -> Result<(), CheckpointError> {
    let mismatch = |what: String| CheckpointError::Mismatch {
        log: log_name.to_owned(),
        what,
    };
    let from = previous.map_or(0, |p| p.0);
    let entries = log::entries(conn, log_name, from, size)?;
    if entries.len() as u64 != size - from {
        return Err(mismatch(format!(
            "{} entries stored in [{from}, {size})",
            entries.len()
        )));
    }
    let stored = log::read_leaf_range(conn, log_name, from, size)?;
    if stored.len() != entries.len() {
        return Err(mismatch(format!(
            "{} leaf hashes stored in [{from}, {size})",
            stored.len()
        )));
    }
    for ((idx, entry), (_, node)) in entries.iter().zip(&stored) {
        if leaf_hash(entry) != *node {
            return Err(mismatch(format!(
                "entry {idx} does not hash to its stored leaf"
            )));
        }
    }
    if log::root_at(conn, log_name, size)? != *root {
        return Err(mismatch(format!(
            "root of stored nodes at size {size} differs from the head"
        )));
    }
    if let Some((m, old_root)) = previous.filter(|p| p.0 > 0 && p.0 < size) {
        let proof = log::consistency_proof(conn, log_name, m, size)?;
        verify_consistency(m, size, &proof, &old_root, root)
            .map_err(|e| mismatch(format!("not consistent with checkpoint {m}: {e}")))?;
    }
    Ok(())
}

/// Signs one log if it grew or its heartbeat is due. Runs as a command in the single writer,
/// so the head it reads cannot move while it signs, and the insert is the compare-and-swap.
pub fn sign_if_due(
    conn: &mut dyn Conn,
    keys: &LogKeys,
    log_name: &str,
    now: i64,
) -> Result<Option<Signed>, CheckpointError> {
    let (size, root) = log::read_head(conn, log_name)?;
    let last = latest(conn, log_name)?;
    if size == 0 {
        return Ok(None);
    }
    if let Some(l) = &last {
        if l.size == size && l.root == root && now - l.signed_at < HEARTBEAT_SECONDS {
            return Ok(None);
        }
        if l.size > size {
            return Err(CheckpointError::Mismatch {
                log: log_name.to_owned(),
                what: format!("checkpoint {} is ahead of the stored size {size}", l.size),
            });
        }
    }
    let previous = last.map(|l| (l.size, l.root));
    verify_growth(conn, log_name, previous, size, &root)?;
    let sign_err = |what: String| CheckpointError::Sign {
        log: log_name.to_owned(),
        what,
    };
    let checkpoint =
        Checkpoint::new(&keys.origin, size, root).map_err(|e| sign_err(e.to_string()))?;
    let signers: [&dyn NoteSigner; 2] = [&keys.ed25519, &keys.sm2];
    let note = checkpoint
        .sign(&signers)
        .map_err(|e| sign_err(e.to_string()))?
        .to_text();
    match checkpoints::root_at(conn, log_name, size)? {
        Some(r) if r != root => {
            return Err(CheckpointError::Fork {
                log: log_name.to_owned(),
                size,
            });
        }
        Some(_) => {
            // A heartbeat re-signs the same tree: the text is unchanged, so the cosignatures
            // already collected stay valid and stay published; fresh ones replace them once the
            // witnesses answer (see cosign).
            checkpoints::resign(conn, log_name, size, &note, now)?;
        }
        None => {
            checkpoints::insert(conn, log_name, size, &root, &note, now)?;
        }
    }
    tracing::info!(log = log_name, size, root = %hash_to_base64(&root), "checkpoint signed");
    Ok(Some(Signed {
        log: log_name.to_owned(),
        size,
        root,
        note,
        previous: previous.filter(|p| p.0 != size),
    }))
}

/// The background signer of every jurisdiction's log.
#[derive(Clone)]
pub struct Checkpointer {
    pub store: Store,
    pub keys: Arc<BTreeMap<String, Arc<LogKeys>>>,
    pub anchors: Option<Anchors>,
    pub clock: Arc<dyn WallClock>,
}

impl Checkpointer {
    /// One round: signs every log that needs it, then anchors the results.
    pub async fn tick(&self) -> Result<Vec<Signed>, CheckpointError> {
        let now = self.clock.now().unix_timestamp();
        let keys = self.keys.clone();
        let signed = self
            .store
            .write(move |tx| {
                let mut out = Vec::new();
                for (log_name, k) in keys.iter() {
                    if let Some(s) = sign_if_due(tx.conn(), k, log_name, now)? {
                        out.push(s);
                    }
                }
                Ok::<_, CheckpointError>(out)
            })
            .await?;
        if let Some(anchors) = &self.anchors {
            for s in &signed {
                anchors.record(&s.log, s.size, &s.root)?;
            }
        }
        Ok(signed)
    }

    /// Runs `tick` every second while this process leads, until the task is dropped; failures
    /// are logged and retried.
    pub fn spawn(
        self,
        leadership: crate::background::leadership::Leadership,
        after_each: impl Fn(Vec<Signed>) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            loop {
                every.tick().await;
                if !leadership.is_leader() {
                    continue;
                }
                match self.tick().await {
                    Ok(signed) if !signed.is_empty() => after_each(signed),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "checkpointer"),
                }
            }
        })
    }
}
