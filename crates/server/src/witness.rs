//! Witnesses of the bureau's transparency log (C2SP tlog-witness), run by other bodies: the
//! audit office (审计局), the discipline inspection commission (纪委监委), a supervising
//! department (市场监督管理局). A witness cosigns a checkpoint only if it is consistent with the
//! last one it cosigned, so the bureau cannot show different histories to different people.
//!
//! - [`state`]: the witness's own SQLite file; check and update in one durable transaction;
//! - [`service`]: the HTTP shell (`add-checkpoint`, monitoring `checkpoint/<hash>`);
//! - [`keys`]: witness key files (0600, refused when readable by others);
//! - [`client`]: the log's side, submitting checkpoints.
//!
//! [`spawn_in_process`] runs several witnesses inside one process, for the demo and tests; in
//! production each body runs `oneseal witness serve` on its own machine.

pub mod client;
pub mod keys;
pub mod service;
pub mod state;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use oneseal_ledger::note::{VerifierKey, VkeyError};
use oneseal_ledger::witness::TrustedLogs;

pub use client::{SubmitError, submit, verify_cosignatures};
pub use keys::{KeyError, keygen};
pub use service::{MAX_REQUEST_BYTES, Serving, WitnessConfig, origin_hash, router, serve};
pub use state::{CosignError, StateError, StoredHead, WitnessState};

use crate::wall_clock::WallClock;

/// The three demo witnesses: (display name, key name). Key names are signed-note names (ASCII,
/// no spaces or `+`); the display names are for people.
pub const DEMO_WITNESSES: [(&str, &str); 3] = [
    ("审计局", "audit.jinan.example/witness"),
    ("纪委监委", "discipline.jinan.example/witness"),
    ("市场监督管理局", "amr.jinan.example/witness"),
];

/// Why in-process witnesses could not start.
#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error("witness {name}: {error}")]
    Key { name: String, error: KeyError },
    #[error("witness {name}: {error}")]
    State { name: String, error: StateError },
    #[error("log vkey: {0}")]
    LogKey(#[from] VkeyError),
    #[error("binding a witness port: {0}")]
    Bind(#[from] std::io::Error),
    #[error("witness setup thread failed: {0}")]
    Join(String),
}

/// The logs a witness accepts: one origin per vkey, named by the key (tlog-checkpoint's
/// recommendation). Several vkeys with the same name allow key rotation.
pub fn trusted_logs(log_vkeys: &[VerifierKey]) -> Result<TrustedLogs, VkeyError> {
    let mut logs = TrustedLogs::new();
    for vkey in log_vkeys {
        logs.add_vkey(vkey)?;
    }
    Ok(logs)
}

/// A witness started by [`spawn_in_process`].
#[derive(Debug)]
pub struct RunningWitness {
    /// Display name (e.g. 审计局).
    pub label: String,
    /// Key name (e.g. `audit.jinan.example/witness`).
    pub name: String,
    /// Submission and monitoring prefix, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The cosignature vkey (type 0x04) verifiers need.
    pub vkey: VerifierKey,
    /// The server; dropping it stops the witness.
    pub serving: Serving,
}

/// File stem of a witness's key and state files: its key name with every character outside
/// `[A-Za-z0-9.-]` replaced by `_` (`audit.jinan.example/witness` → `audit.jinan.example_witness`).
pub fn file_stem(key_name: &str) -> String {
    key_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Starts one witness per `(display name, key name)` on 127.0.0.1 with a random port, each with
/// its own key (`<dir>/<stem>.key`, created on first start, reused after) and its own state
/// (`<dir>/<stem>.db`), all trusting the logs of `log_vkeys`.
pub async fn spawn_in_process(
    dir: &Path,
    witnesses: &[(&str, &str)],
    log_vkeys: &[VerifierKey],
    clock: Arc<dyn WallClock>,
) -> Result<Vec<RunningWitness>, SpawnError> {
    let mut out = Vec::with_capacity(witnesses.len());
    for &(label, name) in witnesses {
        let logs = trusted_logs(log_vkeys)?;
        let (signer, state) = open_blocking(dir, name).await?;
        let vkey = signer.verifier_key();
        let app = router(WitnessConfig {
            signer,
            logs,
            state,
            clock: Arc::clone(&clock),
        });
        let serving = serve(app, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        out.push(RunningWitness {
            label: label.to_owned(),
            name: name.to_owned(),
            url: format!("http://{}", serving.addr),
            vkey,
            serving,
        });
    }
    Ok(out)
}

/// Loads or creates the key and opens the state, off the async workers (file I/O, fsync).
async fn open_blocking(
    dir: &Path,
    name: &str,
) -> Result<(oneseal_ledger::cosignature::CosignatureSigner, WitnessState), SpawnError> {
    let stem = file_stem(name);
    let (key_path, db_path) = (
        dir.join(format!("{stem}.key")),
        dir.join(format!("{stem}.db")),
    );
    let owned = name.to_owned();
    tokio::task::spawn_blocking(move || {
        let signer = keys::load_or_create(&key_path, &owned).map_err(|error| SpawnError::Key {
            name: owned.clone(),
            error,
        })?;
        let state = WitnessState::open(&db_path).map_err(|error| SpawnError::State {
            name: owned.clone(),
            error,
        })?;
        Ok((signer, state))
    })
    .await
    .map_err(|e| SpawnError::Join(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_witness_names_are_valid_ascii_key_names_with_distinct_files() {
        let stems: std::collections::BTreeSet<String> =
            DEMO_WITNESSES.iter().map(|(_, n)| file_stem(n)).collect();
        assert_eq!(stems.len(), DEMO_WITNESSES.len());
        for (_, name) in DEMO_WITNESSES {
            assert!(keys::keygen(name).is_ok(), "{name}");
        }
        assert_eq!(
            file_stem("audit.jinan.example/witness"),
            "audit.jinan.example_witness"
        );
    }
}
