//! The witness over HTTP: a real log built with the ledger crate, a witness router on a random
//! port with its own SQLite file, and the log-side client. Every tlog-witness answer is checked
//! on the wire, and the witness's stored state is checked after every refusal.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::cosignature::{CosignatureSigner, CosignatureVerifier, cosignature_time};
use oneseal_ledger::note::{Ed25519Signer, NoteVerifier, Signature, VerifierKey, open};
use oneseal_ledger::{Frontier, Hash, NodeId, consistency_proof, leaf_hash};
use oneseal_server::FixedClock;
use oneseal_server::witness::{
    self, DEMO_WITNESSES, Serving, SubmitError, WitnessConfig, WitnessState, submit,
    verify_cosignatures,
};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

const ORIGIN: &str = "jinan.example/approvals/2026h2";
const WITNESS: &str = "audit.jinan.example/witness";
const NOW: i64 = 1_795_000_000;

/// A directory removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).unwrap();
        let dir = std::env::temp_dir().join(format!("oneseal-witness-test-{}", hex::encode(b)));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An in-memory log: every complete node, every root, and an Ed25519 checkpoint key.
struct TestLog {
    origin: String,
    signer: Ed25519Signer,
    frontier: Frontier,
    nodes: HashMap<NodeId, Hash>,
    roots: Vec<Hash>,
}

impl TestLog {
    /// A log of `n` entries; `fork_at` rewrites that entry, giving a forked history under the
    /// same origin and key.
    fn new(origin: &str, key_seed: u8, n: u64, fork_at: Option<u64>) -> Self {
        let mut log = Self {
            origin: origin.to_owned(),
            signer: Ed25519Signer::from_seed(origin, &[key_seed; 32]).unwrap(),
            frontier: Frontier::empty(),
            nodes: HashMap::new(),
            roots: Vec::new(),
        };
        log.roots.push(log.frontier.root());
        for i in 0..n {
            let entry = if Some(i) == fork_at {
                format!("{{\"case\":{i},\"decision\":\"forged\"}}")
            } else {
                format!("{{\"case\":{i},\"decision\":\"approved\"}}")
            };
            log.nodes
                .extend(log.frontier.push(leaf_hash(entry.as_bytes())));
            log.roots.push(log.frontier.root());
        }
        log
    }

    fn ours(n: u64) -> Self {
        Self::new(ORIGIN, 1, n, None)
    }

    fn size(&self) -> u64 {
        self.frontier.size()
    }

    fn root(&self, size: u64) -> Hash {
        self.roots[usize::try_from(size).unwrap()]
    }

    /// The signed checkpoint note of size `size`.
    fn checkpoint(&self, size: u64) -> String {
        Checkpoint::new(&self.origin, size, self.root(size))
            .unwrap()
            .sign(&[&self.signer])
            .unwrap()
            .to_text()
    }

    fn proof(&self, old: u64, new: u64) -> Vec<Hash> {
        consistency_proof(old, new, |ids: &[NodeId]| -> Result<Vec<Hash>, ()> {
            Ok(ids.iter().map(|id| self.nodes[id]).collect())
        })
        .unwrap()
    }

    fn vkey(&self) -> VerifierKey {
        self.signer.verifier_key()
    }
}

/// One witness on a random port, with its state file in `dir` (reopened if it exists).
struct TestWitness {
    url: String,
    verifier: CosignatureVerifier,
    serving: Serving,
    http: reqwest::Client,
}

fn witness_key() -> CosignatureSigner {
    CosignatureSigner::from_seed(WITNESS, &[9; 32]).unwrap()
}

impl TestWitness {
    async fn spawn(dir: &Path, logs: &[&TestLog]) -> Self {
        let db = dir.join("witness.db");
        let state = tokio::task::spawn_blocking(move || WitnessState::open(&db))
            .await
            .unwrap()
            .unwrap();
        let vkeys: Vec<VerifierKey> = logs.iter().map(|l| l.vkey()).collect();
        let signer = witness_key();
        // The verifier is built from the published vkey text, as a verifier elsewhere would.
        let vkey = VerifierKey::parse(&signer.verifier_key().to_string()).unwrap();
        let verifier = CosignatureVerifier::from_verifier_key(&vkey).unwrap();
        let clock = FixedClock::new(OffsetDateTime::from_unix_timestamp(NOW).unwrap());
        let app = witness::router(WitnessConfig {
            signer,
            logs: witness::trusted_logs(&vkeys).unwrap(),
            state,
            clock: Arc::new(clock),
        });
        let serving = witness::serve(app, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        Self {
            url: format!("http://{}", serving.addr),
            verifier,
            serving,
            http: reqwest::Client::new(),
        }
    }

    async fn submit(
        &self,
        log: &TestLog,
        old: u64,
        new: u64,
    ) -> Result<Vec<Signature>, SubmitError> {
        submit(
            &self.http,
            &self.url,
            old,
            &log.proof(old, new),
            &log.checkpoint(new),
        )
        .await
    }

    /// A raw `add-checkpoint` POST: status, content type, body.
    async fn post_raw(&self, body: impl Into<reqwest::Body>) -> (u16, String, String) {
        let resp = self
            .http
            .post(format!("{}/add-checkpoint", self.url))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (status, ct, resp.text().await.unwrap())
    }

    /// The monitoring view: the latest cosigned checkpoint note for `origin`, if any.
    async fn latest(&self, origin: &str) -> Option<String> {
        let hash = hex::encode(Sha256::digest(origin.as_bytes()));
        let resp = self
            .http
            .get(format!("{}/checkpoint/{hash}", self.url))
            .send()
            .await
            .unwrap();
        match resp.status().as_u16() {
            200 => Some(resp.text().await.unwrap()),
            404 => None,
            other => panic!("GET checkpoint answered {other}"),
        }
    }

    /// The size the witness holds for our origin, learned from a 409 the way a log learns it.
    /// The probe presents the log's largest checkpoint as already held, so it changes nothing
    /// (at worst it re-cosigns the checkpoint the witness holds).
    async fn stored_size(&self, log: &TestLog) -> u64 {
        let max = log.size();
        match self.submit(log, max, max).await {
            Err(SubmitError::Conflict { size }) => size,
            Ok(_) => max,
            Err(e) => panic!("probe failed: {e}"),
        }
    }

    /// The latest checkpoint the witness holds, opened with the log key and the witness key.
    async fn latest_opened(&self, log: &TestLog) -> Checkpoint {
        let note = self.latest(&log.origin).await.expect("a stored checkpoint");
        let log_v = log.signer.verifier();
        let opened = open(
            note.as_bytes(),
            &[&log_v as &dyn NoteVerifier, &self.verifier],
        )
        .unwrap();
        assert!(opened.is_signed_by(log_v.name(), log_v.key_id()));
        assert!(opened.is_signed_by(self.verifier.name(), self.verifier.key_id()));
        assert!(opened.unknown.is_empty(), "{note}");
        Checkpoint::parse_text(&opened.text).unwrap()
    }
}

#[tokio::test]
async fn first_checkpoint_is_cosigned_and_the_cosignature_verifies_with_the_witness_vkey() {
    let dir = TempDir::new();
    let log = TestLog::ours(5);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    assert_eq!(w.latest(ORIGIN).await, None);

    let sigs = w.submit(&log, 0, 5).await.unwrap();
    let mine = verify_cosignatures(&log.checkpoint(5), &sigs, &w.verifier).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(cosignature_time(&mine[0]), Some(NOW as u64));

    // As the spec suggests, the reply concatenated to the checkpoint opens as a note.
    let with_cosig: String = log.checkpoint(5) + &sigs[0].to_line();
    assert!(open(with_cosig.as_bytes(), &[&w.verifier]).is_ok());
    // A cosignature is over this checkpoint only.
    let other = log.checkpoint(4) + &sigs[0].to_line();
    assert!(open(other.as_bytes(), &[&w.verifier]).is_err());

    let held = w.latest_opened(&log).await;
    assert_eq!((held.size(), *held.root()), (5, log.root(5)));
}

#[tokio::test]
async fn growth_with_a_consistency_proof_is_cosigned() {
    let dir = TempDir::new();
    let log = TestLog::ours(40);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    let mut old = 0;
    for new in [1, 2, 3, 7, 8, 13, 32, 33, 40, 40] {
        let sigs = w.submit(&log, old, new).await.unwrap();
        verify_cosignatures(&log.checkpoint(new), &sigs, &w.verifier).unwrap();
        assert_eq!(w.latest_opened(&log).await.size(), new);
        old = new;
    }
}

#[tokio::test]
async fn stale_old_size_gets_409_with_the_size_body_and_the_client_retries() {
    let dir = TempDir::new();
    let log = TestLog::ours(12);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    w.submit(&log, 0, 8).await.unwrap();

    // On the wire: 409, `8\n`, text/x.tlog.size.
    let body = format!(
        "old 5\n{}\n{}",
        proof_lines(&log.proof(5, 12)),
        log.checkpoint(12)
    );
    let (status, ct, text) = w.post_raw(body).await;
    assert_eq!(
        (status, ct.as_str(), text.as_str()),
        (409, "text/x.tlog.size", "8\n")
    );

    // The client reports the witness's size, and a retry from it succeeds.
    let size = match w.submit(&log, 0, 12).await {
        Err(SubmitError::Conflict { size }) => size,
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert_eq!(size, 8);
    let sigs = w.submit(&log, size, 12).await.unwrap();
    verify_cosignatures(&log.checkpoint(12), &sigs, &w.verifier).unwrap();
    assert_eq!(w.stored_size(&log).await, 12);
}

fn proof_lines(proof: &[Hash]) -> String {
    use base64::Engine as _;
    proof
        .iter()
        .map(|h| base64::engine::general_purpose::STANDARD.encode(h) + "\n")
        .collect()
}

#[tokio::test]
async fn split_view_at_the_same_size_gets_422_and_leaves_the_state_unchanged() {
    let dir = TempDir::new();
    let log = TestLog::ours(16);
    let fork = TestLog::new(ORIGIN, 1, 16, Some(3));
    assert_ne!(log.root(10), fork.root(10));
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    w.submit(&log, 0, 10).await.unwrap();
    let before = w.latest(ORIGIN).await.unwrap();

    // Same size, different root, validly signed by the log key.
    let err = w.submit(&fork, 10, 10).await.unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");
    // The fork grown further, with its own (internally valid) proof from 10.
    let err = w.submit(&fork, 10, 16).await.unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");
    // Our own growth with a damaged proof.
    let mut bad = log.proof(10, 16);
    bad[0][0] ^= 1;
    let err = submit(&w.http, &w.url, 10, &bad, &log.checkpoint(16))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");

    assert_eq!(w.latest(ORIGIN).await.unwrap(), before);
    assert_eq!(w.stored_size(&log).await, 10);
    // The honest history still extends.
    w.submit(&log, 10, 16).await.unwrap();
    assert_eq!(*w.latest_opened(&log).await.root(), log.root(16));
}

#[tokio::test]
async fn rollback_to_a_smaller_tree_is_refused() {
    let dir = TempDir::new();
    let log = TestLog::ours(10);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    w.submit(&log, 0, 10).await.unwrap();

    // Claiming the witness is at 6 and presenting 6: 409 with the real size.
    match w.submit(&log, 6, 6).await {
        Err(SubmitError::Conflict { size }) => assert_eq!(size, 10),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Presenting 6 from the witness's real size: old > new, 400.
    let body = format!("old 10\n\n{}", log.checkpoint(6));
    assert_eq!(w.post_raw(body).await.0, 400);
    assert_eq!(w.latest_opened(&log).await.size(), 10);
}

#[tokio::test]
async fn unknown_origin_gets_404() {
    let dir = TempDir::new();
    let log = TestLog::ours(4);
    let stranger = TestLog::new("other.example/log", 2, 4, None);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    let err = w.submit(&stranger, 0, 4).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert_eq!(w.latest("other.example/log").await, None);
}

#[tokio::test]
async fn bad_log_signatures_get_403() {
    let dir = TempDir::new();
    let log = TestLog::ours(6);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;

    // Signed by another key under the log's name: no trusted signature.
    let impostor = TestLog::new(ORIGIN, 7, 6, None);
    let err = w.submit(&impostor, 0, 6).await.unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");

    // The log's real signature over a different text: a known key that fails.
    let genuine = log.checkpoint(6);
    let root_line = genuine.lines().nth(2).unwrap();
    let other_root = Checkpoint::new(ORIGIN, 6, [7; 32]).unwrap().to_text();
    let tampered = genuine.replace(root_line, other_root.lines().nth(2).unwrap());
    let err = submit(&w.http, &w.url, 0, &[], &tampered)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");

    assert_eq!(w.latest(ORIGIN).await, None);
    assert_eq!(w.stored_size(&log).await, 0);
}

#[tokio::test]
async fn malformed_and_oversized_requests_are_refused_without_state_change() {
    let dir = TempDir::new();
    let log = TestLog::ours(3);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    let cp = log.checkpoint(3);
    for body in [
        String::new(),
        format!("old 01\n\n{cp}"),
        format!("old 0\n{cp}"),
        format!("old 0\nnot-base64\n\n{cp}"),
        "old 0\n\nno checkpoint here\n".to_owned(),
    ] {
        assert_eq!(w.post_raw(body.clone()).await.0, 400, "{body:?}");
    }
    let huge = format!("old 0\n\n{cp}{}", "x".repeat(witness::MAX_REQUEST_BYTES));
    assert_eq!(w.post_raw(huge).await.0, 413);
    assert_eq!(w.stored_size(&log).await, 0);
}

#[tokio::test]
async fn restarted_witness_remembers_its_latest_checkpoint() {
    let dir = TempDir::new();
    let log = TestLog::ours(9);
    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    w.submit(&log, 0, 7).await.unwrap();
    let held = w.latest(ORIGIN).await.unwrap();
    w.serving.shutdown().await.unwrap();

    let w = TestWitness::spawn(&dir.0, &[&log]).await;
    assert_eq!(w.latest(ORIGIN).await.unwrap(), held);
    assert_eq!(w.stored_size(&log).await, 7);
    // It still refuses a split view at the remembered size, and still extends.
    let fork = TestLog::new(ORIGIN, 1, 9, Some(0));
    assert_eq!(w.submit(&fork, 7, 7).await.unwrap_err().status(), Some(422));
    w.submit(&log, 7, 9).await.unwrap();
    assert_eq!(w.latest_opened(&log).await.size(), 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_growing_submissions_never_roll_the_witness_back() {
    const ROUNDS: u64 = 3;
    const SUBMITTERS: u64 = 20;
    let dir = TempDir::new();
    let log = Arc::new(TestLog::ours(1 + ROUNDS * SUBMITTERS));
    let w = Arc::new(TestWitness::spawn(&dir.0, &[&log]).await);
    w.submit(&log, 0, 1).await.unwrap();

    // Each round: 20 submitters, each pushing its own target size above the witness's size.
    // Each starts from the size it last knew and follows the witness's 409 answers until it is
    // cosigned or the witness is already past its target. Rounds make a lost race likelier to
    // show.
    let mut base = 1;
    for _ in 0..ROUNDS {
        let mut tasks = Vec::new();
        for target in base + 1..=base + SUBMITTERS {
            let (w, log) = (Arc::clone(&w), Arc::clone(&log));
            tasks.push(tokio::spawn(async move {
                let mut old = base;
                loop {
                    match w.submit(&log, old, target).await {
                        Ok(sigs) => {
                            let cp = log.checkpoint(target);
                            verify_cosignatures(&cp, &sigs, &w.verifier).unwrap();
                            return Some(target);
                        }
                        Err(SubmitError::Conflict { size }) if size < target => old = size,
                        Err(SubmitError::Conflict { .. }) => return None,
                        Err(e) => panic!("target {target}: {e}"),
                    }
                }
            }));
        }
        let mut accepted = Vec::new();
        for t in tasks {
            accepted.extend(t.await.unwrap());
        }
        let largest = *accepted.iter().max().unwrap();
        // Nobody goes beyond the round's top target, so its submitter never gives up.
        assert_eq!(largest, base + SUBMITTERS);
        assert_eq!(w.stored_size(&log).await, largest, "accepted {accepted:?}");
        let held = w.latest_opened(&log).await;
        assert_eq!((held.size(), *held.root()), (largest, log.root(largest)));
        base = largest;
    }
}

#[tokio::test]
async fn in_process_witnesses_start_with_their_own_keys_and_reuse_them() {
    let dir = TempDir::new();
    let log = TestLog::ours(5);
    let clock = Arc::new(FixedClock::new(
        OffsetDateTime::from_unix_timestamp(NOW).unwrap(),
    ));
    let ws = witness::spawn_in_process(&dir.0, &DEMO_WITNESSES, &[log.vkey()], clock.clone())
        .await
        .unwrap();
    assert_eq!(ws.len(), 3);
    let http = reqwest::Client::new();
    let mut vkeys = Vec::new();
    for w in &ws {
        let sigs = submit(&http, &w.url, 0, &[], &log.checkpoint(5))
            .await
            .unwrap();
        let v = CosignatureVerifier::from_verifier_key(&w.vkey).unwrap();
        verify_cosignatures(&log.checkpoint(5), &sigs, &v).unwrap();
        vkeys.push(w.vkey.to_string());
    }
    let labels: Vec<&str> = ws.iter().map(|w| w.label.as_str()).collect();
    assert_eq!(labels, ["审计局", "纪委监委", "市场监督管理局"]);
    vkeys.sort();
    vkeys.dedup();
    assert_eq!(vkeys.len(), 3, "each witness has its own key");
    for w in ws {
        w.serving.shutdown().await.unwrap();
    }

    let again = witness::spawn_in_process(&dir.0, &DEMO_WITNESSES, &[log.vkey()], clock)
        .await
        .unwrap();
    for w in &again {
        assert!(
            vkeys.contains(&w.vkey.to_string()),
            "{} got a new key",
            w.label
        );
        match submit(&http, &w.url, 0, &[], &log.checkpoint(5)).await {
            Err(SubmitError::Conflict { size }) => assert_eq!(size, 5),
            other => panic!("{}: expected a conflict, got {other:?}", w.label),
        }
    }
}
