//! Collecting witness cosignatures for a signed checkpoint, and publishing them.
//!
//! Runs after the checkpoint is committed and anchored, off the write path: a witness that is
//! slow, down, disagreeing or lying never blocks appends. A 409 tells us the size the witness
//! holds; we retry from there.
//!
//! Nothing a witness returns is trusted: each line is verified against that witness's configured
//! key and the checkpoint text, a witness counts once however many lines it sends, and only the
//! verified lines are published, once distinct witnesses meet the quorum. A published checkpoint
//! never loses a cosignature: a heartbeat's fresh cosignatures replace the older ones witness by
//! witness, and a witness that is down keeps its last one. A round that falls short is retried
//! by [`Cosigner`] with bounded exponential back-off until a newer checkpoint supersedes it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use oneseal_ledger::cosignature::{CosignatureVerifier, select_cosignatures};
use oneseal_ledger::note::{Note, Signature};
use oneseal_store::{Conn, Store, StoreError, log};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::checkpointer::Signed;
use crate::background::leadership::Leadership;
use crate::services::ledger::{Logs, Publish, published};
use crate::witness::client::{SubmitError, submit};

/// What one cosigning round achieved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Distinct configured witnesses whose fresh cosignature verified.
    pub fresh: usize,
    /// Distinct witnesses whose cosignature the stored checkpoint now carries (0 if the round
    /// did not reach the quorum and nothing was stored).
    pub published: usize,
}

impl Round {
    /// Whether the round needs no retry: every configured witness was not needed, the quorum
    /// answered afresh and the result is stored.
    pub fn complete(&self, required: usize) -> bool {
        required == 0 || (self.fresh >= required && self.published >= required)
    }
}

/// Asks every configured witness to cosign `signed`; stores the verified cosignatures once they
/// meet the quorum; returns how many distinct witnesses cosigned (verified).
pub async fn cosign(
    store: &Store,
    logs: &Logs,
    client: &reqwest::Client,
    signed: &Signed,
) -> usize {
    cosign_round(store, logs, client, signed).await.fresh
}

/// One round of [`cosign`], with what was stored.
pub async fn cosign_round(
    store: &Store,
    logs: &Logs,
    client: &reqwest::Client,
    signed: &Signed,
) -> Round {
    let required = logs.required_cosignatures();
    if required == 0 {
        return Round::default();
    }
    let text = match Note::parse(signed.note.as_bytes()) {
        Ok(n) => n.text().to_owned(),
        Err(e) => {
            tracing::error!(error = %e, "own checkpoint does not parse");
            return Round::default();
        }
    };
    let mut asked = JoinSet::new();
    for w in &logs.witnesses {
        let Some(verifier) = w.verifier() else {
            tracing::error!(witness = %w.label, "witness vkey is not a cosignature key; skipped");
            continue;
        };
        let (store, client, url, signed) =
            (store.clone(), client.clone(), w.url.clone(), signed.clone());
        let label = w.label.clone();
        asked.spawn(async move {
            let reply = ask(&store, &client, &url, &signed).await;
            (label, verifier, reply)
        });
    }
    let mut fresh: Vec<Signature> = Vec::new();
    while let Some(joined) = asked.join_next().await {
        let Ok((label, verifier, reply)) = joined else {
            continue;
        };
        match reply {
            Ok(lines) => {
                // Only the witness's own key counts for it: a line under another witness's name
                // is that witness's to give, not this one's.
                let mine = select_cosignatures(&text, std::slice::from_ref(&verifier), &lines);
                if mine.len() != lines.len() {
                    tracing::warn!(
                        witness = %label,
                        log = %signed.log,
                        returned = lines.len(),
                        verified = mine.len(),
                        "witness returned cosignature lines that do not verify under its key; dropped"
                    );
                }
                fresh.extend(mine);
            }
            Err(e) => {
                tracing::warn!(witness = %label, log = %signed.log, error = %e, "witness did not cosign")
            }
        }
    }
    let verifiers = logs.witness_verifiers();
    let fresh_count = select_cosignatures(&text, &verifiers, &fresh).len();
    if fresh_count == 0 {
        return Round::default();
    }
    let (log_name, size, root) = (signed.log.clone(), signed.size, signed.root);
    let stored: Result<usize, StoreError> = store
        .write(move |tx| {
            merge_cosignatures(
                tx.conn(),
                &log_name,
                size,
                &root,
                &fresh,
                &verifiers,
                required,
            )
        })
        .await;
    let published = stored.unwrap_or_else(|e| {
        tracing::error!(error = %e, "storing cosignatures");
        0
    });
    Round {
        fresh: fresh_count,
        published,
    }
}

/// Adds verified `fresh` cosignatures to the stored checkpoint (log, size, root), keeping each
/// witness's newest cosignature among those already published and the fresh ones. Writes only
/// when the distinct witnesses meet `required`, so what is published never shrinks below the
/// quorum. Returns the distinct witnesses now stored (0 if nothing was written).
fn merge_cosignatures(
    conn: &mut dyn Conn,
    log_name: &str,
    size: u64,
    root: &oneseal_ledger::Hash,
    fresh: &[Signature],
    verifiers: &[CosignatureVerifier],
    required: usize,
) -> Result<usize, StoreError> {
    let Some((signed, cosigned)) = oneseal_store::checkpoints::notes(conn, log_name, size, root)?
    else {
        return Ok(0);
    };
    let corrupt = |e: oneseal_ledger::note::NoteError| StoreError::Corrupt(e.to_string());
    let mut note = Note::parse(signed.as_bytes()).map_err(corrupt)?;
    let mut candidates = fresh.to_vec();
    if let Some(published) = cosigned {
        // Re-verified like the fresh ones: only what counts is carried over.
        if let Ok(p) = Note::parse(published.as_bytes()) {
            candidates.extend_from_slice(p.signatures());
        }
    }
    let selected = select_cosignatures(note.text(), verifiers, &candidates);
    if selected.len() < required {
        return Ok(0);
    }
    let count = selected.len();
    for s in selected {
        note.add_signature(s).map_err(corrupt)?;
    }
    oneseal_store::checkpoints::set_cosigned(conn, log_name, size, root, &note.to_text())?;
    Ok(count)
}

/// One witness, with a retry from the size it reports on 409 and a short backoff on failure.
async fn ask(
    store: &Store,
    client: &reqwest::Client,
    url: &str,
    signed: &Signed,
) -> Result<Vec<Signature>, String> {
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

/// Bounded exponential back-off between cosigning rounds that fell short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    /// 2 s, 4 s, 8 s … at most 2 minutes (under the 5-minute heartbeat, so a quorum that comes
    /// back is used well before the next one).
    fn default() -> Self {
        Self {
            first: Duration::from_secs(2),
            max: Duration::from_secs(120),
        }
    }
}

impl Backoff {
    /// The wait after the `failures`-th failed round in a row (counted from 1).
    pub fn delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        self.first.saturating_mul(1u32 << doublings).min(self.max)
    }
}

/// A checkpoint waiting for its quorum.
struct Pending {
    signed: Signed,
    failures: u32,
    due: Instant,
    running: bool,
}

fn same(a: &Signed, b: &Signed) -> bool {
    a.size == b.size && a.root == b.root && a.note == b.note
}

/// The background cosigner: one pending checkpoint per log (the newest signed supersedes the
/// rest, since witnesses only move forward), a round as soon as it arrives, and retries with
/// [`Backoff`] while the round falls short.
#[derive(Clone)]
pub struct Cosigner {
    pub store: Store,
    pub logs: Arc<Logs>,
    pub client: reqwest::Client,
    pub backoff: Backoff,
}

impl Cosigner {
    /// Starts the task; send it every checkpoint the checkpointer signs. At start it also picks
    /// up each log's newest signed checkpoint that no quorum has cosigned yet (after a restart).
    /// Rounds run only while this process leads. The task ends when the sender is dropped.
    pub fn spawn(
        self,
        leadership: Leadership,
    ) -> (mpsc::UnboundedSender<Signed>, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (tx, tokio::spawn(self.run(leadership, rx)))
    }

    /// Each log's newest signed checkpoint that is not published yet.
    async fn unpublished(&self) -> Vec<Signed> {
        if self.logs.publish() != Publish::Cosigned {
            return Vec::new();
        }
        let names: Vec<String> = self.logs.keys.keys().cloned().collect();
        let found = self
            .store
            .read(move |c| {
                let mut out = Vec::new();
                for j in names {
                    let Some(latest) = crate::services::ledger::latest(c, &j)? else {
                        continue;
                    };
                    if latest.cosigned.is_some() {
                        continue;
                    }
                    let previous = published(c, &j, Publish::Cosigned)?.map(|p| (p.size, p.root));
                    out.push(Signed {
                        log: j,
                        size: latest.size,
                        root: latest.root,
                        note: latest.note,
                        previous,
                    });
                }
                Ok::<_, StoreError>(out)
            })
            .await;
        found.unwrap_or_else(|e| {
            tracing::error!(error = %e, "reading checkpoints awaiting cosignatures");
            Vec::new()
        })
    }

    async fn run(self, leadership: Leadership, mut rx: mpsc::UnboundedReceiver<Signed>) {
        let required = self.logs.required_cosignatures();
        let mut pending: BTreeMap<String, Pending> = BTreeMap::new();
        let start = Instant::now();
        for s in self.unpublished().await {
            pending.insert(
                s.log.clone(),
                Pending {
                    signed: s,
                    failures: 0,
                    due: start,
                    running: false,
                },
            );
        }
        let mut rounds: JoinSet<(Signed, Round)> = JoinSet::new();
        loop {
            let now = Instant::now();
            let leads = leadership.is_leader();
            if leads {
                for p in pending.values_mut().filter(|p| !p.running && p.due <= now) {
                    p.running = true;
                    let (me, s) = (self.clone(), p.signed.clone());
                    rounds.spawn(async move {
                        let r = cosign_round(&me.store, &me.logs, &me.client, &s).await;
                        (s, r)
                    });
                }
            }
            let next = if leads {
                pending.values().filter(|p| !p.running).map(|p| p.due).min()
            } else {
                Some(now + Duration::from_secs(1))
            };
            tokio::select! {
                msg = rx.recv() => {
                    let Some(s) = msg else { return };
                    if required == 0 {
                        continue;
                    }
                    let running = pending.get(&s.log).is_some_and(|p| p.running);
                    pending.insert(s.log.clone(), Pending { signed: s, failures: 0, due: Instant::now(), running });
                }
                Some(joined) = rounds.join_next(), if !rounds.is_empty() => {
                    let Ok((s, round)) = joined else { continue };
                    let Some(p) = pending.get_mut(&s.log) else { continue };
                    p.running = false;
                    if !same(&p.signed, &s) {
                        // A newer checkpoint arrived meanwhile; it is due now.
                        continue;
                    }
                    if round.complete(required) {
                        pending.remove(&s.log);
                    } else {
                        p.failures = p.failures.saturating_add(1);
                        let wait = self.backoff.delay(p.failures);
                        tracing::warn!(log = %s.log, size = s.size, fresh = round.fresh, required, retry_in_s = wait.as_secs(), "cosigning fell short of the quorum; will retry");
                        p.due = Instant::now() + wait;
                    }
                }
                () = sleep_until(next) => {}
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_first_wait_and_stops_at_the_cap() {
        let b = Backoff::default();
        let secs: Vec<u64> = (1..=9).map(|n| b.delay(n).as_secs()).collect();
        assert_eq!(secs, [2, 4, 8, 16, 32, 64, 120, 120, 120]);
        assert_eq!(b.delay(u32::MAX), b.max);
        assert_eq!(b.delay(0), b.first);
    }

    #[test]
    fn a_round_is_complete_only_with_a_fresh_stored_quorum() {
        let r = |fresh, published| Round { fresh, published };
        assert!(r(0, 0).complete(0));
        assert!(r(2, 2).complete(2));
        assert!(r(3, 3).complete(2));
        assert!(!r(1, 0).complete(2));
        assert!(!r(2, 0).complete(2), "the store failed: retry");
        assert!(!r(1, 3).complete(2), "kept older cosignatures, few fresh");
    }
}
