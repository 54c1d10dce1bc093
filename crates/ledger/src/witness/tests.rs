use super::*;
use crate::cosignature::cosignature_time;
use crate::hash::leaf_hash;
use crate::node::{Frontier, NodeId};
use crate::note::{Ed25519Signer, open};
use crate::proof::consistency_proof;

const ORIGIN: &str = "example.com/approvals/2026h1";
const NOW: u64 = 1_780_000_000;

struct Log {
    signer: Ed25519Signer,
    nodes: BTreeMap<NodeId, Hash>,
    roots: Vec<Hash>,
}

impl Log {
    /// A log of `n` entries; `fork_at` changes entry `fork_at` to build a forked history.
    fn new(n: u64, fork_at: Option<u64>) -> Self {
        let mut f = Frontier::empty();
        let mut nodes = BTreeMap::new();
        let mut roots = vec![f.root()];
        for i in 0..n {
            let entry = if Some(i) == fork_at {
                format!("forged {i}")
            } else {
                format!("entry {i}")
            };
            nodes.extend(f.push(leaf_hash(entry.as_bytes())));
            roots.push(f.root());
        }
        Self {
            signer: Ed25519Signer::from_seed(ORIGIN, &[1; 32]).unwrap(),
            nodes,
            roots,
        }
    }

    fn head(&self, size: u64) -> TreeHead {
        TreeHead {
            size,
            root: self.roots[size as usize],
        }
    }

    fn note(&self, size: u64) -> Note {
        Checkpoint::new(ORIGIN, size, self.roots[size as usize])
            .unwrap()
            .sign(&[&self.signer])
            .unwrap()
    }

    fn proof(&self, old: u64, new: u64) -> Vec<Hash> {
        consistency_proof(old, new, |ids: &[NodeId]| -> Result<Vec<Hash>, ()> {
            Ok(ids.iter().map(|id| self.nodes[id]).collect())
        })
        .unwrap()
    }

    fn request(&self, old: u64, new: u64) -> AddCheckpointRequest {
        AddCheckpointRequest::new(old, self.proof(old, new), self.note(new)).unwrap()
    }
}

fn trusted(log: &Log) -> TrustedLogs {
    let mut t = TrustedLogs::new();
    t.add(ORIGIN, Box::new(log.signer.verifier()));
    t
}

fn witness() -> CosignatureSigner {
    CosignatureSigner::from_seed("witness.example/w1", &[2; 32]).unwrap()
}

fn run(
    state: Option<TreeHead>,
    req: &AddCheckpointRequest,
    log: &Log,
) -> Result<(TreeHead, String), WitnessError> {
    // Through the wire format, as the server will see it.
    let parsed = AddCheckpointRequest::parse(req.to_body().as_bytes()).unwrap();
    assert_eq!(&parsed, req);
    add_checkpoint(state, &parsed, &trusted(log), &[&witness()], NOW)
}

#[test]
fn first_checkpoint_is_cosigned_with_a_verifiable_timestamped_line() {
    let log = Log::new(9, None);
    let req = log.request(0, 5);
    let (state, body) = run(None, &req, &log).unwrap();
    assert_eq!(state, log.head(5));
    // The reply lines verify as cosignatures over the checkpoint.
    let mut note = req.note.clone();
    let sigs = parse_cosignature_response(body.as_bytes()).unwrap();
    assert_eq!(sigs.len(), 1);
    assert_eq!(cosignature_time(&sigs[0]), Some(NOW));
    note.add_signature(sigs[0].clone()).unwrap();
    let w = witness().verifier();
    let opened = open(note.to_text().as_bytes(), &[&w]).unwrap();
    assert!(opened.is_signed_by("witness.example/w1", witness().key_id()));
}

#[test]
fn growth_with_a_valid_proof_is_cosigned() {
    let log = Log::new(9, None);
    let (state, _) = run(Some(log.head(5)), &log.request(5, 9), &log).unwrap();
    assert_eq!(state, log.head(9));
}

#[test]
fn same_checkpoint_is_cosigned_again_with_a_fresh_timestamp() {
    let log = Log::new(9, None);
    let (state, body) = run(Some(log.head(9)), &log.request(9, 9), &log).unwrap();
    assert_eq!(state, log.head(9));
    assert!(!body.is_empty());
}

#[test]
fn every_cosigner_adds_a_line() {
    let log = Log::new(3, None);
    let second = CosignatureSigner::from_seed("witness.example/w2", &[3; 32]).unwrap();
    let (_, body) = add_checkpoint(
        None,
        &log.request(0, 3),
        &trusted(&log),
        &[&witness(), &second],
        NOW,
    )
    .unwrap();
    assert_eq!(
        parse_cosignature_response(body.as_bytes()).unwrap().len(),
        2
    );
    assert_eq!(
        add_checkpoint(None, &log.request(0, 3), &trusted(&log), &[], NOW),
        Err(WitnessError::NoCosigner)
    );
}

#[test]
fn unknown_origin_is_404() {
    let log = Log::new(3, None);
    let err = add_checkpoint(
        None,
        &log.request(0, 3),
        &TrustedLogs::new(),
        &[&witness()],
        NOW,
    )
    .unwrap_err();
    assert_eq!(err, WitnessError::UnknownOrigin(ORIGIN.into()));
    assert_eq!(err.status(), 404);
}

#[test]
fn checkpoint_without_a_trusted_signature_is_403() {
    let log = Log::new(3, None);
    let mut stranger = Log::new(3, None);
    stranger.signer = Ed25519Signer::from_seed(ORIGIN, &[9; 32]).unwrap();
    let err = run(None, &stranger.request(0, 3), &log).unwrap_err();
    assert_eq!(err, WitnessError::Signature(NoteError::NoKnownSignature));
    assert_eq!(err.status(), 403);
}

#[test]
fn bad_signature_from_the_trusted_key_is_403() {
    let log = Log::new(3, None);
    let good = log.note(3).to_text();
    // Re-attach the size-3 signature to the body of size 2.
    let sig_block = good.split_once("\n\n").unwrap().1;
    let forged_text = format!("{}\n{sig_block}", log.note(2).text());
    let note = Note::parse(forged_text.as_bytes()).unwrap();
    let req = AddCheckpointRequest::new(0, vec![], note).unwrap();
    let err = run(None, &req, &log).unwrap_err();
    assert!(matches!(
        err,
        WitnessError::Signature(NoteError::InvalidSignature { .. })
    ));
    assert_eq!(err.status(), 403);
}

#[test]
fn old_size_above_checkpoint_size_is_400() {
    let log = Log::new(9, None);
    let req = AddCheckpointRequest::new(9, vec![], log.note(5)).unwrap();
    let err = run(Some(log.head(9)), &req, &log).unwrap_err();
    assert_eq!(err, WitnessError::OldSizeTooLarge { old: 9, new: 5 });
    assert_eq!(err.status(), 400);
}

#[test]
fn rollback_and_stale_old_size_are_409_with_the_stored_size() {
    let log = Log::new(9, None);
    // The log (restored from a backup) thinks the witness is at 5; the witness is at 9.
    let err = run(Some(log.head(9)), &log.request(5, 7), &log).unwrap_err();
    assert_eq!(err, WitnessError::Conflict { old: 5, stored: 9 });
    assert_eq!(err.status(), 409);
    assert_eq!(err.response_body().as_deref(), Some("9\n"));
    // A checkpoint older than the stored one, claiming its own size as old.
    let err = run(Some(log.head(9)), &log.request(5, 5), &log).unwrap_err();
    assert_eq!(err.conflict_size(), Some(9));
    // Probing with `old 0` learns the stored size.
    let err = run(Some(log.head(9)), &log.request(0, 9), &log).unwrap_err();
    assert_eq!(
        parse_size_response(err.response_body().unwrap().as_bytes()),
        Ok(9)
    );
    // A witness that never cosigned is at 0.
    let err = run(None, &log.request(5, 9), &log).unwrap_err();
    assert_eq!(err, WitnessError::Conflict { old: 5, stored: 0 });
}

#[test]
fn split_view_at_the_same_size_is_422() {
    let log = Log::new(9, None);
    let fork = Log::new(9, Some(4));
    let err = run(Some(log.head(9)), &fork.request(9, 9), &log).unwrap_err();
    assert_eq!(err, WitnessError::RootMismatch { size: 9 });
    assert_eq!(err.status(), 422);
}

#[test]
fn fork_that_rewrites_history_is_422() {
    let log = Log::new(9, None);
    let fork = Log::new(12, Some(2));
    let err = run(Some(log.head(9)), &fork.request(9, 12), &log).unwrap_err();
    assert_eq!(
        err,
        WitnessError::InconsistentProof(VerifyError::OldRootMismatch)
    );
    assert_eq!(err.status(), 422);
    // A truncated proof is refused too.
    let mut req = log.request(5, 9);
    req.proof.pop();
    let err = run(Some(log.head(5)), &req, &log).unwrap_err();
    assert!(matches!(
        err,
        WitnessError::InconsistentProof(VerifyError::WrongProofLength { .. })
    ));
}

#[test]
fn non_empty_proof_from_size_zero_is_422() {
    let log = Log::new(9, None);
    let req = AddCheckpointRequest::new(0, vec![log.roots[1]], log.note(9)).unwrap();
    let err = run(None, &req, &log).unwrap_err();
    assert_eq!(err, WitnessError::ProofFromEmpty);
    assert_eq!(err.status(), 422);
}

#[test]
fn empty_tree_with_a_wrong_root_is_422() {
    let log = Log::new(1, None);
    let note = Note::new(format!("{ORIGIN}\n0\n{}\n", hash_to_base64(&log.roots[1])));
    let mut note = note.unwrap();
    note.sign(&log.signer).unwrap();
    let req = AddCheckpointRequest::new(0, vec![], note).unwrap();
    let err = run(None, &req, &log).unwrap_err();
    assert_eq!(err, WitnessError::BadEmptyRoot);
    assert_eq!(err.status(), 422);
    // The right empty root is cosigned.
    assert_eq!(run(None, &log.request(0, 0), &log).unwrap().0, log.head(0));
}

#[test]
fn malformed_bodies_are_400() {
    let log = Log::new(3, None);
    let note = log.note(3).to_text();
    let proof_line = format!("{}\n", hash_to_base64(&log.roots[1]));
    let cases = vec![
        b"\xff".to_vec(),
        b"".to_vec(),
        format!("old 0\n{note}").into_bytes(),
        format!("old 00\n\n{note}").into_bytes(),
        format!("old -1\n\n{note}").into_bytes(),
        format!("old 1 \n\n{note}").into_bytes(),
        format!("new 0\n\n{note}").into_bytes(),
        format!("old 0\nAAAA\n\n{note}").into_bytes(),
        format!("old 0\n{}\n{note}", proof_line.repeat(64)).into_bytes(),
        b"old 0\n\n".to_vec(),
        b"old 0\n\nnot a checkpoint\n\n\xe2\x80\x94 k AAAAAAA=\n".to_vec(),
        format!("old 0\n\n{}", note.trim_end()).into_bytes(),
    ];
    for body in cases {
        let err = AddCheckpointRequest::parse(&body).unwrap_err();
        assert_eq!(err.status(), 400, "{:?}", String::from_utf8_lossy(&body));
    }
    // 63 proof lines are allowed by the format.
    let body = format!("old 1\n{}\n{note}", proof_line.repeat(63));
    assert_eq!(
        AddCheckpointRequest::parse(body.as_bytes())
            .unwrap()
            .proof
            .len(),
        63
    );
}

#[test]
fn spec_example_request_body_parses() {
    let body = "old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\u{2014} example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
    let req = AddCheckpointRequest::parse(body.as_bytes()).unwrap();
    assert_eq!(req.old_size, 20_852_014);
    assert_eq!(req.proof.len(), 4);
    assert_eq!(req.origin(), "example.com/behind-the-sofa");
    assert_eq!(req.checkpoint.size(), 20_852_163);
    assert_eq!(req.note.signatures().len(), 2);
    assert_eq!(req.to_body(), body);
}

#[test]
fn status_codes_cover_every_error() {
    let cases = [
        (WitnessError::Malformed(String::new()), 400),
        (WitnessError::OldSizeTooLarge { old: 2, new: 1 }, 400),
        (WitnessError::Signature(NoteError::NoKnownSignature), 403),
        (WitnessError::UnknownOrigin(String::new()), 404),
        (WitnessError::Conflict { old: 1, stored: 2 }, 409),
        (WitnessError::BadEmptyRoot, 422),
        (WitnessError::ProofFromEmpty, 422),
        (
            WitnessError::InconsistentProof(VerifyError::RootMismatch),
            422,
        ),
        (WitnessError::RootMismatch { size: 1 }, 422),
        (WitnessError::NoCosigner, 500),
    ];
    for (e, status) in cases {
        assert_eq!(e.status(), status, "{e}");
        assert_eq!(e.response_body().is_some(), status == 409);
    }
}

#[test]
fn client_side_reply_parsers_refuse_garbage() {
    assert_eq!(parse_size_response(b"12\n"), Ok(12));
    assert!(parse_size_response(b"12").is_err());
    assert!(parse_size_response(b"012\n").is_err());
    assert!(parse_cosignature_response(b"").is_err());
    assert!(parse_cosignature_response(b"- w AAAAAAA=\n").is_err());
}
