//! tlog-witness protocol logic, without HTTP: parse an `add-checkpoint` body, and decide, as a
//! pure state transition, whether to cosign it. The server wraps [`add_checkpoint`] in one
//! database transaction (load state, decide, store the new state, reply) so the check and the
//! update are atomic, as the spec's rollback race demands.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::checkpoint::{Checkpoint, parse_decimal};
use crate::cosignature::{CosignatureError, CosignatureSigner};
use crate::hash::{EMPTY_ROOT, Hash, hash_from_base64, hash_to_base64};
use crate::note::{Note, NoteError, NoteVerifier, Signature, VerifierKey, parse_signature_lines};
use crate::proof::{VerifyError, verify_consistency};

/// Most consistency proof lines a request may carry.
pub const MAX_PROOF_LINES: usize = 63;
/// Content type of a 409 reply body.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";

/// What the witness remembers per origin: the latest checkpoint it cosigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeHead {
    pub size: u64,
    pub root: Hash,
}

/// Why a checkpoint was not cosigned; [`WitnessError::status`] gives the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    #[error("malformed add-checkpoint request: {0}")]
    Malformed(String),
    #[error("unknown log origin {0:?}")]
    UnknownOrigin(String),
    #[error("checkpoint signature rejected: {0}")]
    Signature(NoteError),
    #[error("old size {old} is larger than the checkpoint size {new}")]
    OldSizeTooLarge { old: u64, new: u64 },
    #[error("old size {old} does not match the latest cosigned size {stored}")]
    Conflict { old: u64, stored: u64 },
    #[error("a checkpoint of size 0 must carry the empty-tree root")]
    BadEmptyRoot,
    #[error("the consistency proof from size 0 must be empty")]
    ProofFromEmpty,
    #[error("consistency proof does not verify: {0}")]
    InconsistentProof(VerifyError),
    #[error("checkpoint of size {size} has a different root than the one cosigned (split view)")]
    RootMismatch { size: u64 },
    #[error("witness has no cosigning key")]
    NoCosigner,
    #[error("cosigning failed: {0}")]
    Cosign(CosignatureError),
}

impl WitnessError {
    /// The HTTP status tlog-witness prescribes.
    ///
    /// Same size with a different root is answered 422 (the proof of consistency fails), as our
    /// design notes and transparency-dev/witness do; some spec revisions say 409.
    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) | Self::OldSizeTooLarge { .. } => 400,
            Self::Signature(_) => 403,
            Self::UnknownOrigin(_) => 404,
            Self::Conflict { .. } => 409,
            Self::BadEmptyRoot
            | Self::ProofFromEmpty
            | Self::InconsistentProof(_)
            | Self::RootMismatch { .. } => 422,
            Self::NoCosigner | Self::Cosign(_) => 500,
        }
    }

    /// For 409: the latest cosigned size, which the reply body must carry.
    pub fn conflict_size(&self) -> Option<u64> {
        match self {
            Self::Conflict { stored, .. } => Some(*stored),
            _ => None,
        }
    }

    /// The reply body the spec requires for this error, if any (`<size>\n` for 409, sent with
    /// [`SIZE_CONTENT_TYPE`]).
    pub fn response_body(&self) -> Option<String> {
        self.conflict_size().map(|s| format!("{s}\n"))
    }
}

fn malformed(what: &str) -> WitnessError {
    WitnessError::Malformed(what.to_owned())
}

/// A parsed `add-checkpoint` request. Signatures are not verified yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    pub old_size: u64,
    pub proof: Vec<Hash>,
    pub note: Note,
    pub checkpoint: Checkpoint,
}

impl AddCheckpointRequest {
    /// A request for `note` (a signed checkpoint) extending the witness's `old_size`.
    pub fn new(old_size: u64, proof: Vec<Hash>, note: Note) -> Result<Self, WitnessError> {
        if proof.len() > MAX_PROOF_LINES {
            return Err(malformed("more than 63 proof lines"));
        }
        let checkpoint = Checkpoint::parse_text(note.text())
            .map_err(|e| WitnessError::Malformed(e.to_string()))?;
        Ok(Self {
            old_size,
            proof,
            note,
            checkpoint,
        })
    }

    /// Parses a request body: `old <size>\n`, up to 63 base64 proof lines, an empty line, then
    /// the signed checkpoint.
    pub fn parse(body: &[u8]) -> Result<Self, WitnessError> {
        let text = std::str::from_utf8(body).map_err(|_| malformed("body is not UTF-8"))?;
        let (first, mut rest) = text
            .split_once('\n')
            .ok_or_else(|| malformed("missing old size line"))?;
        let old = first
            .strip_prefix("old ")
            .and_then(parse_decimal)
            .ok_or_else(|| malformed("bad old size line"))?;
        let mut proof = Vec::new();
        loop {
            let (line, after) = rest
                .split_once('\n')
                .ok_or_else(|| malformed("missing empty line before the checkpoint"))?;
            rest = after;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_LINES {
                return Err(malformed("more than 63 proof lines"));
            }
            proof.push(hash_from_base64(line).map_err(|_| malformed("bad proof line"))?);
        }
        let note =
            Note::parse(rest.as_bytes()).map_err(|e| WitnessError::Malformed(e.to_string()))?;
        Self::new(old, proof, note)
    }

    /// The request body, as a log sends it.
    pub fn to_body(&self) -> String {
        let mut out = format!("old {}\n", self.old_size);
        for h in &self.proof {
            out.push_str(&hash_to_base64(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.note.to_text());
        out
    }

    /// The checkpoint's origin: which log state to load.
    pub fn origin(&self) -> &str {
        self.checkpoint.origin()
    }
}

/// The logs a witness accepts, by origin, with their trusted keys.
#[derive(Default)]
pub struct TrustedLogs {
    logs: BTreeMap<String, Vec<Box<dyn NoteVerifier>>>,
}

impl std::fmt::Debug for TrustedLogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.logs.keys()).finish()
    }
}

impl TrustedLogs {
    /// No logs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `verifier` for checkpoints of `origin` (several keys per origin allow rotation).
    pub fn add(&mut self, origin: &str, verifier: Box<dyn NoteVerifier>) {
        self.logs
            .entry(origin.to_owned())
            .or_default()
            .push(verifier);
    }

    /// Trusts a log vkey; the origin is the key name, as tlog-checkpoint recommends.
    pub fn add_vkey(&mut self, vkey: &VerifierKey) -> Result<(), crate::note::VkeyError> {
        self.add(vkey.name(), vkey.verifier()?);
        Ok(())
    }

    /// The keys trusted for `origin`, or `None` if the origin is unknown.
    pub fn verifiers(&self, origin: &str) -> Option<Vec<&dyn NoteVerifier>> {
        self.logs
            .get(origin)
            .map(|vs| vs.iter().map(|v| v.as_ref()).collect())
    }

    /// Known origins.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.logs.keys().map(String::as_str)
    }
}

/// Decides an `add-checkpoint` request against the latest cosigned state for its origin
/// (`None` if never cosigned). On success returns the new state, which the caller must persist
/// in the same transaction before replying, and the reply body: one cosignature line per
/// cosigner, timestamped `now` (POSIX seconds).
pub fn add_checkpoint(
    state: Option<TreeHead>,
    req: &AddCheckpointRequest,
    logs: &TrustedLogs,
    cosigners: &[&CosignatureSigner],
    now: u64,
) -> Result<(TreeHead, String), WitnessError> {
    let cp = &req.checkpoint;
    let verifiers = logs
        .verifiers(cp.origin())
        .ok_or_else(|| WitnessError::UnknownOrigin(cp.origin().to_owned()))?;
    req.note
        .verify(&verifiers)
        .map_err(WitnessError::Signature)?;
    check_consistency(state, req.old_size, &req.proof, cp)?;
    if cosigners.is_empty() {
        return Err(WitnessError::NoCosigner);
    }
    let mut body = String::new();
    for c in cosigners {
        let sig = c
            .cosign(req.note.text(), now)
            .map_err(WitnessError::Cosign)?;
        body.push_str(&sig.to_line());
    }
    let head = TreeHead {
        size: cp.size(),
        root: *cp.root(),
    };
    Ok((head, body))
}

/// The size and proof checks of tlog-witness, in the spec's order.
fn check_consistency(
    state: Option<TreeHead>,
    old: u64,
    proof: &[Hash],
    cp: &Checkpoint,
) -> Result<(), WitnessError> {
    let (new, root) = (cp.size(), cp.root());
    if old > new {
        return Err(WitnessError::OldSizeTooLarge { old, new });
    }
    let stored = state.unwrap_or(TreeHead {
        size: 0,
        root: EMPTY_ROOT,
    });
    if old != stored.size {
        return Err(WitnessError::Conflict {
            old,
            stored: stored.size,
        });
    }
    if new == 0 && *root != EMPTY_ROOT {
        return Err(WitnessError::BadEmptyRoot);
    }
    if old == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(WitnessError::ProofFromEmpty)
        };
    }
    if old == new && *root != stored.root {
        return Err(WitnessError::RootMismatch { size: new });
    }
    verify_consistency(old, new, proof, &stored.root, root).map_err(WitnessError::InconsistentProof)
}

/// Client side: reads a 409 reply body (`<size>\n`).
pub fn parse_size_response(body: &[u8]) -> Result<u64, WitnessError> {
    std::str::from_utf8(body)
        .ok()
        .and_then(|s| s.strip_suffix('\n'))
        .and_then(parse_decimal)
        .ok_or_else(|| malformed("bad size reply"))
}

/// Client side: reads a 200 reply body (cosignature lines). Verify them by adding them to the
/// checkpoint note and opening it with the witness keys.
pub fn parse_cosignature_response(body: &[u8]) -> Result<Vec<Signature>, WitnessError> {
    let text = std::str::from_utf8(body).map_err(|_| malformed("reply is not UTF-8"))?;
    parse_signature_lines(text).map_err(|e| WitnessError::Malformed(e.to_string()))
}
