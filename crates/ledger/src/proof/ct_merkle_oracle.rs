//! A second, independent oracle: the `ct-merkle` crate (another author's RFC 6962 code) must
//! agree with our roots and proofs, and accept them.

use super::*;
use crate::hash::leaf_hash;
use crate::node::Frontier;
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use sha2::Sha256;
use std::collections::BTreeMap;

fn flat(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flatten().copied().collect()
}

#[test]
fn ct_merkle_agrees_on_roots_and_proofs_up_to_size_128() {
    let entries: Vec<Vec<u8>> = (0..128u32)
        .map(|i| i.to_be_bytes().repeat(i as usize % 5))
        .collect();
    let mut theirs = MemoryBackedTree::<Sha256, Vec<u8>>::new();
    let mut ours = Frontier::empty();
    let mut nodes = BTreeMap::new();
    let mut roots = vec![ours.root()];
    for e in &entries {
        theirs.push(e.clone());
        nodes.extend(ours.push(leaf_hash(e)));
        roots.push(ours.root());
        let n = ours.size();
        let read = |ids: &[NodeId]| -> Result<Vec<Hash>, ()> {
            Ok(ids.iter().map(|id| nodes[id]).collect())
        };
        let their_root = theirs.root();
        assert_eq!(
            their_root.as_bytes().as_slice(),
            ours.root().as_slice(),
            "root {n}"
        );
        for i in 0..n {
            let proof = inclusion_proof(i, n, read).unwrap();
            assert_eq!(
                theirs.prove_inclusion(i as usize).as_bytes(),
                flat(&proof),
                "incl {i}/{n}"
            );
            let parsed = InclusionProof::<Sha256>::try_from_bytes(flat(&proof)).unwrap();
            their_root
                .verify_inclusion(&entries[i as usize], i, &parsed)
                .unwrap();
        }
        for m in 1..n {
            let proof = consistency_proof(m, n, read).unwrap();
            assert_eq!(
                theirs.prove_consistency((n - m) as usize).as_bytes(),
                flat(&proof),
                "cons {m}->{n}"
            );
            let old = RootHash::<Sha256>::new(roots[m as usize].into(), m);
            let parsed = ConsistencyProof::<Sha256>::try_from_bytes(flat(&proof)).unwrap();
            their_root.verify_consistency(&old, &parsed).unwrap();
        }
    }
}
