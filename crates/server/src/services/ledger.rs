//! The server's side of the transparency log: the bureau's log keys, the checkpointer that signs
//! each jurisdiction's log, the rollback guard, and the public read API.
//!
//! One log per jurisdiction; its origin is `<host>/<division code>/approvals`, which is also the
//! name of its Ed25519 key (C2SP tlog-checkpoint). Each checkpoint also carries an SM2 signature
//! line (国密) under the custom note type 0xff.

pub mod anchor;
pub mod audit;
pub mod keys;
pub mod receipts;

/// The host part of every origin (a deployment sets its own with `--log-host`).
pub const DEFAULT_LOG_HOST: &str = "oneseal.example";

/// The origin of a jurisdiction's log.
pub fn origin(host: &str, jurisdiction: &str) -> String {
    format!("{host}/{jurisdiction}/approvals")
}

use std::collections::BTreeMap;
use std::sync::Arc;

use oneseal_ledger::cosignature::CosignatureVerifier;
use oneseal_ledger::note::VerifierKey;
use oneseal_store::{Conn, StoreError, checkpoints};

pub use oneseal_store::checkpoints::{StoredCheckpoint, latest};

/// A witness the bureau's logs are submitted to.
#[derive(Clone, Debug)]
pub struct WitnessInfo {
    /// Human name, e.g. 审计局.
    pub label: String,
    /// The witness's cosignature vkey (C2SP vkey, type 0x04).
    pub vkey: String,
    /// Where its `add-checkpoint` endpoint lives (prefix, without the final path segment).
    pub url: String,
}

impl WitnessInfo {
    /// The verifier of this witness's cosignatures; `None` if its vkey is not a cosignature
    /// vkey (then nothing it returns is ever counted).
    pub fn verifier(&self) -> Option<CosignatureVerifier> {
        let vkey = VerifierKey::parse(&self.vkey).ok()?;
        CosignatureVerifier::from_verifier_key(&vkey).ok()
    }
}

/// Which checkpoints the public is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    /// No witnesses: the newest checkpoint the log signed.
    Signed,
    /// With witnesses: the newest checkpoint whose verified cosignatures met the quorum. One the
    /// log signed but the witnesses have not yet cosigned is not published, so the published
    /// size never goes back when a later cosignature lands for an earlier size.
    Cosigned,
}

/// Everything the public log endpoints and the checkpointer need to know.
#[derive(Default)]
pub struct Logs {
    pub host: String,
    /// Keys per jurisdiction (log name = division code).
    pub keys: BTreeMap<String, Arc<keys::LogKeys>>,
    pub witnesses: Vec<WitnessInfo>,
    /// How many witness cosignatures a verifier should require.
    pub quorum: usize,
}

impl Logs {
    /// How many distinct witnesses must have cosigned a checkpoint before it is published: none
    /// without witnesses, else the policy's quorum (at least one, as the policy says).
    pub fn required_cosignatures(&self) -> usize {
        if self.witnesses.is_empty() {
            0
        } else {
            self.quorum.max(1)
        }
    }

    /// What is published: see [`Publish`].
    pub fn publish(&self) -> Publish {
        if self.required_cosignatures() == 0 {
            Publish::Signed
        } else {
            Publish::Cosigned
        }
    }

    /// The verifiers of the configured witnesses' cosignatures (a witness whose vkey does not
    /// parse has none, and never counts).
    pub fn witness_verifiers(&self) -> Vec<CosignatureVerifier> {
        self.witnesses
            .iter()
            .filter_map(WitnessInfo::verifier)
            .collect()
    }

    /// The tlog-policy text for one jurisdiction's log: the log key, the witnesses and the quorum.
    pub fn policy(&self, jurisdiction: &str, base_url: &str) -> Option<String> {
        let keys = self.keys.get(jurisdiction)?;
        let mut out = format!(
            "# oneseal transparency log policy for {}\nlog {} {base_url}/log/{jurisdiction}\n",
            keys.origin,
            keys.ed25519.verifier_key()
        );
        let mut names = Vec::new();
        for (i, w) in self.witnesses.iter().enumerate() {
            let name = format!("w{}", i + 1);
            // The witness's URL is where this server submits checkpoints, often an internal
            // address: a verifier needs only the key.
            out.push_str(&format!("# {}\nwitness {name} {}\n", w.label, w.vkey));
            names.push(name);
        }
        if names.is_empty() {
            out.push_str("quorum none\n");
        } else {
            out.push_str(&format!(
                "group witnesses {} {}\nquorum witnesses\n",
                self.quorum.max(1),
                names.join(" ")
            ));
        }
        Some(out)
    }
}

/// The checkpoint the public is shown (see [`Publish`]): the tiles, proofs, entries and receipts
/// served stop at its size.
pub fn published(
    conn: &mut dyn Conn,
    log_name: &str,
    publish: Publish,
) -> Result<Option<StoredCheckpoint>, StoreError> {
    match publish {
        Publish::Signed => checkpoints::latest(conn, log_name),
        Publish::Cosigned => checkpoints::latest_cosigned(conn, log_name),
    }
}

/// Loads (creating on first use) the log keys of every registered jurisdiction. Blocking: call
/// it outside the async runtime or in `spawn_blocking`.
pub fn open_logs(
    store: &oneseal_store::Store,
    master: &keys::MasterKey,
    host: &str,
    now: i64,
) -> Result<Logs, keys::KeyError> {
    let jurisdictions = store.read_blocking(oneseal_store::keys::jurisdiction_codes)?;
    let mut logs = Logs {
        host: host.to_owned(),
        ..Logs::default()
    };
    for j in jurisdictions {
        let k = keys::LogKeys::load_or_create(store, master, &origin(host, &j), &j, now)?;
        logs.keys.insert(j, Arc::new(k));
    }
    Ok(logs)
}
