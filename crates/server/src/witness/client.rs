//! The log's side of tlog-witness: send a signed checkpoint with a consistency proof to one
//! witness and get its cosignatures back, with every refusal typed so the checkpointer can act
//! (409: retry from the witness's size; 403/404: configuration; 422: alarm).
//!
//! The returned signatures are not verified here (the client has no witness key in hand);
//! check them with [`verify_cosignatures`] before attaching them to a checkpoint.

use oneseal_ledger::Hash;
use oneseal_ledger::cosignature::CosignatureVerifier;
use oneseal_ledger::note::{Note, NoteError, NoteVerifier as _, Signature};
use oneseal_ledger::witness::{
    AddCheckpointRequest, WitnessError, parse_cosignature_response, parse_size_response,
};

/// Largest witness reply read (a few cosignature lines or a size; anything bigger is abuse).
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// Why a submission gave no cosignature.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The request could not be built (bad note, too many proof lines).
    #[error("cannot build the request: {0}")]
    BadRequest(#[source] WitnessError),
    /// The witness could not be reached, or the connection broke.
    #[error("witness unreachable: {0}")]
    Transport(#[from] reqwest::Error),
    /// 409: the witness's latest cosigned size is `size`; resubmit with `old size` and a
    /// consistency proof from it.
    #[error("witness holds size {size}, not the old size sent")]
    Conflict { size: u64 },
    /// Any other refusal (400, 403, 404, 413, 422, 5xx), with the witness's message.
    #[error("witness refused with {status}: {message}")]
    Refused { status: u16, message: String },
    /// The witness answered something that is not what the spec says it answers.
    #[error("malformed witness reply: {0}")]
    BadReply(String),
}

impl SubmitError {
    /// The HTTP status of a refusal, if the witness answered one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Conflict { .. } => Some(409),
            Self::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `POST <url>/add-checkpoint` with `old <old_size>`, the proof and the signed checkpoint note.
/// `url` is the witness's submission prefix (e.g. `http://127.0.0.1:7001`).
pub async fn submit(
    client: &reqwest::Client,
    url: &str,
    old_size: u64,
    proof: &[Hash],
    signed_checkpoint: &str,
) -> Result<Vec<Signature>, SubmitError> {
    let note = Note::parse(signed_checkpoint.as_bytes())
        .map_err(|e| SubmitError::BadRequest(WitnessError::Malformed(e.to_string())))?;
    let body = AddCheckpointRequest::new(old_size, proof.to_vec(), note)
        .map_err(SubmitError::BadRequest)?
        .to_body();
    let endpoint = format!("{}/add-checkpoint", url.trim_end_matches('/'));
    let mut resp = client.post(endpoint).body(body).send().await?;
    let status = resp.status().as_u16();
    let reply = read_limited(&mut resp).await?;
    match status {
        200 => parse_cosignature_response(&reply).map_err(|e| SubmitError::BadReply(e.to_string())),
        409 => parse_size_response(&reply)
            .map(|size| SubmitError::Conflict { size })
            .map_err(|e| SubmitError::BadReply(e.to_string()))
            .and_then(Err),
        _ => Err(SubmitError::Refused {
            status,
            message: String::from_utf8_lossy(&reply).trim_end().to_owned(),
        }),
    }
}

async fn read_limited(resp: &mut reqwest::Response) -> Result<Vec<u8>, SubmitError> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if out.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(SubmitError::BadReply(format!(
                "reply larger than {MAX_REPLY_BYTES} bytes"
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The cosignatures in `signatures` made by `witness` over the checkpoint note, all of which
/// must verify. Signatures by other keys are ignored, as the spec requires of clients. Fails if
/// the witness's own cosignature is missing or wrong.
pub fn verify_cosignatures(
    signed_checkpoint: &str,
    signatures: &[Signature],
    witness: &CosignatureVerifier,
) -> Result<Vec<Signature>, NoteError> {
    let note = Note::parse(signed_checkpoint.as_bytes())?;
    let mine: Vec<Signature> = signatures
        .iter()
        .filter(|s| s.name == witness.name() && s.key_id == witness.key_id())
        .cloned()
        .collect();
    if mine.is_empty() {
        return Err(NoteError::NoKnownSignature);
    }
    for s in &mine {
        if !witness.verify(note.text().as_bytes(), &s.bytes) {
            return Err(NoteError::InvalidSignature {
                name: s.name.clone(),
                key_id: s.key_id,
            });
        }
    }
    Ok(mine)
}
