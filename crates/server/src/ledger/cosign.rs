//! Collecting witness cosignatures for a freshly signed checkpoint.
//!
//! Runs after the checkpoint is committed and anchored, off the write path: a witness that is
//! slow, down or disagreeing never blocks appends. A 409 tells us the size the witness holds;
//! we retry once from there. What arrives is appended to the published note.

use std::time::Duration;

use oneseal_ledger::note::Note;
use oneseal_store::{Store, StoreError, log, params};

use super::Logs;
use super::checkpointer::Signed;
use crate::witness::client::{SubmitError, submit};

/// Asks every configured witness to cosign `signed`; stores the cosigned note; returns how many
/// witnesses cosigned.
pub async fn cosign(
    store: &Store,
    logs: &Logs,
    client: &reqwest::Client,
    signed: &Signed,
) -> usize {
    let mut note = match Note::parse(signed.note.as_bytes()) {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "own checkpoint does not parse");
            return 0;
        }
    };
    let mut cosigned = 0;
    for w in &logs.witnesses {
        match ask(store, client, &w.url, signed).await {
            Ok(sigs) => {
                for s in sigs {
                    if note.add_signature(s).is_ok() {
                        cosigned += 1;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(witness = %w.label, log = %signed.log, error = %e, "witness did not cosign")
            }
        }
    }
    // Publish the cosigned note only once it meets the quorum verifiers are told to require.
    if cosigned > 0 && cosigned >= logs.quorum {
        let (log_name, size, root, text) =
            (signed.log.clone(), signed.size, signed.root, note.to_text());
        let r: Result<u64, StoreError> = store
            .write(move |tx| {
                tx.conn().execute(
                    "UPDATE checkpoints SET cosigned = ? WHERE log = ? AND size = ? AND root = ?",
                    params![text, log_name.as_str(), size, root.to_vec()],
                )
            })
            .await;
        if let Err(e) = r {
            tracing::error!(error = %e, "storing cosignatures");
        }
    }
    cosigned
}

/// One witness, with a retry from the size it reports on 409 and a short backoff on failure.
async fn ask(
    store: &Store,
    client: &reqwest::Client,
    url: &str,
    signed: &Signed,
) -> Result<Vec<oneseal_ledger::note::Signature>, String> {
    let mut old = signed.previous.map_or(0, |p| p.0);
    let mut last = None;
    for attempt in 0..3u64 {
        let (log_name, size) = (signed.log.clone(), signed.size);
        let proof = if old == 0 || old == size {
            Vec::new()
        } else {
            store
                .read(move |c| log::consistency_proof(c, &log_name, old, size))
                .await
                .map_err(|e: StoreError| e.to_string())?
        };
        match submit(client, url, old, &proof, &signed.note).await {
            Ok(sigs) => return Ok(sigs),
            Err(SubmitError::Conflict { size: held }) if held <= signed.size && held != old => {
                old = held
            }
            Err(e) => {
                last = Some(e.to_string());
                tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
            }
        }
    }
    Err(last.unwrap_or_else(|| "the witness kept reporting other sizes".into()))
}
