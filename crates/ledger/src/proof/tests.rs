//! Proofs from the stored-node API against an oracle written straight from the recursive
//! definitions of RFC 6962 §2.1 (`MTH`, `PATH`, `SUB`), plus tampering tests.

use super::*;
use crate::hash::{leaf_hash, node_hash};
use crate::node::Frontier;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

const MAX: u64 = 256;

// ---------------------------------------------------------------------------------------------
// Oracle: the RFC's recursive definitions over a slice of leaf hashes, with its own MTH.
// ---------------------------------------------------------------------------------------------

fn k_of(n: usize) -> usize {
    let mut k: usize = 1;
    while k.checked_mul(2).is_some_and(|d| d < n) {
        k *= 2;
    }
    k
}

struct Oracle {
    leaves: Vec<Hash>,
    memo: HashMap<(usize, usize), Hash>,
}

impl Oracle {
    fn new(leaves: Vec<Hash>) -> Self {
        Self {
            leaves,
            memo: HashMap::new(),
        }
    }

    fn mth(&mut self, lo: usize, hi: usize) -> Hash {
        if let Some(h) = self.memo.get(&(lo, hi)) {
            return *h;
        }
        let h = match hi - lo {
            0 => EMPTY_ROOT,
            1 => self.leaves[lo],
            n => {
                let k = k_of(n);
                let l = self.mth(lo, lo + k);
                let r = self.mth(lo + k, hi);
                node_hash(&l, &r)
            }
        };
        self.memo.insert((lo, hi), h);
        h
    }

    /// PATH(m, D[lo:hi]).
    fn path(&mut self, m: usize, lo: usize, hi: usize) -> Vec<Hash> {
        let n = hi - lo;
        if n == 1 {
            return vec![];
        }
        let k = k_of(n);
        if m < k {
            let mut p = self.path(m, lo, lo + k);
            p.push(self.mth(lo + k, hi));
            p
        } else {
            let mut p = self.path(m - k, lo + k, hi);
            p.push(self.mth(lo, lo + k));
            p
        }
    }

    /// SUB(m, D[lo:hi], b).
    fn sub(&mut self, m: usize, lo: usize, hi: usize, b: bool) -> Vec<Hash> {
        let n = hi - lo;
        if m == n {
            return if b { vec![] } else { vec![self.mth(lo, hi)] };
        }
        let k = k_of(n);
        if m <= k {
            let mut p = self.sub(m, lo, lo + k, b);
            p.push(self.mth(lo + k, hi));
            p
        } else {
            let mut p = self.sub(m - k, lo + k, hi, false);
            p.push(self.mth(lo, lo + k));
            p
        }
    }
}

/// Direction of each sibling in PATH(m, D[0:n]), leaf first: `true` when the sibling is on the
/// left. Two (index, size) pairs with the same shape make the verifier compute the same thing.
fn path_shape(m: u64, n: u64) -> Vec<bool> {
    if n <= 1 {
        return vec![];
    }
    let k = k_of(n as usize) as u64;
    let (mut inner, side) = if m < k {
        (path_shape(m, k), false)
    } else {
        (path_shape(m - k, n - k), true)
    };
    inner.push(side);
    inner
}

/// A symbolic hash: proof element `P(i)`, the supplied old root `R1`, or an inner node.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expr {
    P(usize),
    R1,
    Node(Box<Expr>, Box<Expr>),
}

fn node(l: &Expr, r: &Expr) -> Expr {
    Expr::Node(Box::new(l.clone()), Box::new(r.clone()))
}

/// SUB(m, D[0:n], b) symbolically: how the old and the new root are built from the proof.
fn sub_expr(m: u64, n: u64, b: bool, next: &mut usize) -> (Expr, Expr) {
    if m == n {
        if b {
            return (Expr::R1, Expr::R1);
        }
        let p = Expr::P(*next);
        *next += 1;
        return (p.clone(), p);
    }
    let k = k_of(n as usize) as u64;
    if m <= k {
        let (old, new) = sub_expr(m, k, b, next);
        let p = Expr::P(*next);
        *next += 1;
        (old, node(&new, &p))
    } else {
        let (old, new) = sub_expr(m - k, n - k, false, next);
        let p = Expr::P(*next);
        *next += 1;
        (node(&p, &old), node(&p, &new))
    }
}

fn substitute_r1(e: &Expr, r1: &Expr) -> Expr {
    match e {
        Expr::R1 => r1.clone(),
        Expr::P(i) => Expr::P(*i),
        Expr::Node(l, r) => node(&substitute_r1(l, r1), &substitute_r1(r, r1)),
    }
}

/// Whether a verifier given the genuine proof and roots for (m, n) but told (m2, n2) must accept:
/// only when (m2, n2) builds both roots from the proof in exactly the same way.
fn consistency_claim_is_equivalent(m: u64, n: u64, m2: u64, n2: u64, proof_len: usize) -> bool {
    if m2 == 0 || m2 >= n2 {
        return false; // the proof for 0 < m < n is never empty
    }
    let mut c = 0;
    let (old, new) = sub_expr(m, n, true, &mut c);
    let mut c2 = 0;
    let (old2, new2) = sub_expr(m2, n2, true, &mut c2);
    c2 == proof_len && substitute_r1(&old2, &old) == old && substitute_r1(&new2, &old) == new
}

// ---------------------------------------------------------------------------------------------
// Stored nodes, as the storage crate keeps them.
// ---------------------------------------------------------------------------------------------

fn test_leaves(n: u64) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

fn store(leaves: &[Hash]) -> BTreeMap<NodeId, Hash> {
    let mut f = Frontier::empty();
    leaves.iter().flat_map(|l| f.push(*l)).collect()
}

#[derive(Debug, PartialEq)]
struct Missing(NodeId);

/// A reader that refuses nodes that were not complete at tree size `size`.
fn reader(
    nodes: &BTreeMap<NodeId, Hash>,
    size: u64,
) -> impl FnOnce(&[NodeId]) -> Result<Vec<Hash>, Missing> + '_ {
    move |ids| {
        ids.iter()
            .map(|id| match (id.end_leaf(), nodes.get(id)) {
                (Some(end), Some(h)) if end <= size => Ok(*h),
                _ => Err(Missing(*id)),
            })
            .collect()
    }
}

fn unhex(s: &str) -> Hash {
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    bytes.try_into().unwrap()
}

fn flip(h: &Hash, bit: usize) -> Hash {
    let mut out = *h;
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn stored_node_proofs_equal_rfc_definitions_for_all_sizes_up_to_256() {
    let leaves = test_leaves(MAX);
    let nodes = store(&leaves);
    let mut oracle = Oracle::new(leaves.clone());
    for n in 1..=MAX {
        let root = oracle.mth(0, n as usize);
        assert_eq!(root_at(n, reader(&nodes, n)).unwrap(), root, "root {n}");
        for i in 0..n {
            let proof = inclusion_proof(i, n, reader(&nodes, n)).unwrap();
            assert_eq!(
                proof,
                oracle.path(i as usize, 0, n as usize),
                "PATH({i}, {n})"
            );
            assert_eq!(inclusion_proof_len(i, n), Some(proof.len()));
            verify_inclusion(&leaves[i as usize], i, n, &proof, &root).unwrap();
        }
        for m in 1..=n {
            let root_m = oracle.mth(0, m as usize);
            let proof = consistency_proof(m, n, reader(&nodes, n)).unwrap();
            assert_eq!(
                proof,
                oracle.sub(m as usize, 0, n as usize, true),
                "PROOF({m}, {n})"
            );
            assert_eq!(consistency_proof_len(m, n), Some(proof.len()));
            verify_consistency(m, n, &proof, &root_m, &root).unwrap();
            verify_extension(m, n, &proof, &root_m, &root).unwrap();
        }
    }
}

#[test]
fn proofs_match_the_rfc6962_reference_vectors() {
    let entries: [&[u8]; 8] = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ];
    let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    let nodes = store(&leaves);
    let root2 = unhex("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
    let root6 = unhex("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef");
    let root8 = unhex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    let vectors: [(u64, &[&str]); 2] = [
        (
            0,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    for (index, want) in vectors {
        let want: Vec<Hash> = want.iter().map(|h| unhex(h)).collect();
        assert_eq!(inclusion_proof(index, 8, reader(&nodes, 8)).unwrap(), want);
        verify_inclusion(&leaves[index as usize], index, 8, &want, &root8).unwrap();
    }
    let c28: Vec<Hash> = [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    .iter()
    .map(|h| unhex(h))
    .collect();
    assert_eq!(consistency_proof(2, 8, reader(&nodes, 8)).unwrap(), c28);
    verify_consistency(2, 8, &c28, &root2, &root8).unwrap();
    let c68: Vec<Hash> = [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    .iter()
    .map(|h| unhex(h))
    .collect();
    assert_eq!(consistency_proof(6, 8, reader(&nodes, 8)).unwrap(), c68);
    verify_consistency(6, 8, &c68, &root6, &root8).unwrap();
}

#[test]
fn equal_sizes_need_an_empty_proof_and_equal_roots() {
    let r = leaf_hash(b"a");
    let other = leaf_hash(b"b");
    assert_eq!(verify_consistency(5, 5, &[], &r, &r), Ok(()));
    assert_eq!(
        verify_consistency(5, 5, &[r], &r, &r),
        Err(VerifyError::WrongProofLength {
            expected: 0,
            got: 1
        })
    );
    assert_eq!(
        verify_consistency(5, 5, &[], &r, &other),
        Err(VerifyError::RootMismatch)
    );
    let nodes = store(&test_leaves(5));
    assert_eq!(
        consistency_proof(5, 5, reader(&nodes, 5)).unwrap(),
        Vec::<Hash>::new()
    );
}

#[test]
fn empty_old_tree_is_refused_by_rfc_verifier_but_accepted_for_witnesses() {
    let leaves = test_leaves(7);
    let root = crate::tree::mth(&leaves);
    let nodes = store(&leaves);
    assert_eq!(
        consistency_proof(0, 7, reader(&nodes, 7)).unwrap(),
        Vec::<Hash>::new()
    );
    assert_eq!(
        verify_consistency(0, 7, &[], &EMPTY_ROOT, &root),
        Err(VerifyError::OldSizeZero)
    );
    assert_eq!(verify_extension(0, 7, &[], &EMPTY_ROOT, &root), Ok(()));
    assert!(verify_extension(0, 7, &[root], &EMPTY_ROOT, &root).is_err());
    assert_eq!(
        verify_extension(0, 7, &[], &root, &root),
        Err(VerifyError::OldRootMismatch)
    );
    assert_eq!(
        verify_extension(0, 0, &[], &EMPTY_ROOT, &EMPTY_ROOT),
        Ok(())
    );
    assert_eq!(
        verify_extension(0, 0, &[], &EMPTY_ROOT, &root),
        Err(VerifyError::RootMismatch)
    );
}

#[test]
fn bad_sizes_and_indices_are_reported_not_panicked() {
    let nodes = store(&test_leaves(4));
    assert!(matches!(
        inclusion_proof(4, 4, reader(&nodes, 4)),
        Err(ProofError::IndexOutOfRange { index: 4, size: 4 })
    ));
    assert!(matches!(
        consistency_proof(5, 4, reader(&nodes, 4)),
        Err(ProofError::SizeOrder { old: 5, new: 4 })
    ));
    let r = EMPTY_ROOT;
    assert_eq!(
        verify_inclusion(&r, 0, 0, &[], &r),
        Err(VerifyError::IndexOutOfRange { index: 0, size: 0 })
    );
    assert_eq!(
        verify_inclusion(&r, u64::MAX, u64::MAX, &[], &r),
        Err(VerifyError::IndexOutOfRange {
            index: u64::MAX,
            size: u64::MAX
        })
    );
    assert!(verify_inclusion(&r, u64::MAX - 1, u64::MAX, &[r; 64], &r).is_err());
    assert!(verify_consistency(u64::MAX - 1, u64::MAX, &[r; 64], &r, &r).is_err());
    assert_eq!(
        verify_consistency(3, 2, &[], &r, &r),
        Err(VerifyError::SizeOrder { old: 3, new: 2 })
    );
    // The last leaf of a 2^64-1 tree sits alone right of 63 complete subtrees.
    assert_eq!(inclusion_proof_len(u64::MAX - 1, u64::MAX), Some(63));
    assert_eq!(inclusion_proof_len(0, u64::MAX), Some(64));
    assert_eq!(consistency_proof_len(1, u64::MAX), Some(64));
}

#[test]
fn reader_errors_and_short_answers_are_reported() {
    let nodes = store(&test_leaves(4));
    // Asking for a size the store does not have yet.
    assert!(matches!(
        inclusion_proof(0, 5, reader(&nodes, 5)),
        Err(ProofError::Read(Missing(_)))
    ));
    let short =
        |ids: &[NodeId]| -> Result<Vec<Hash>, Missing> { Ok(vec![EMPTY_ROOT; ids.len() - 1]) };
    assert!(matches!(
        inclusion_proof(0, 4, short),
        Err(ProofError::ReadCount {
            expected: 2,
            got: 1
        })
    ));
}

#[test]
fn reader_is_asked_once_for_at_most_two_nodes_per_level() {
    let n = 1_000_003u64;
    let mut asked = Vec::new();
    let _ = inclusion_proof(123_456, n, |ids: &[NodeId]| -> Result<Vec<Hash>, Missing> {
        asked.extend_from_slice(ids);
        Ok(vec![EMPTY_ROOT; ids.len()])
    })
    .unwrap();
    assert!(asked.len() <= 2 * 64);
    assert!(asked.iter().all(|id| id.end_leaf().unwrap() <= n));
}

#[test]
fn crafted_64_byte_leaf_cannot_pose_as_an_inner_node() {
    let leaves = test_leaves(4);
    let root = crate::tree::mth(&leaves);
    let n23 = node_hash(&leaves[2], &leaves[3]);
    let mut forged = leaves[0].to_vec();
    forged.extend_from_slice(&leaves[1]);
    // Claim the concatenation of two leaf hashes is a leaf whose parent is the root.
    assert_eq!(
        verify_inclusion(&leaf_hash(&forged), 0, 2, &[n23], &root),
        Err(VerifyError::RootMismatch)
    );
    // And a proof that skips the bottom level is one hash too short for the real size.
    assert!(verify_inclusion(&leaf_hash(&forged), 0, 4, &[n23], &root).is_err());
}

#[test]
fn inclusion_proof_alone_does_not_bind_the_tree_size() {
    // Leaf 0 has the same sibling directions in trees of 5 and 7 leaves, so the verifier computes
    // the same thing for both sizes; the signed checkpoint is what binds (size, root). ct-merkle
    // documents the same property. The bit-flip tests below check that this is the only way a
    // changed size or index can pass.
    let leaves = test_leaves(5);
    let nodes = store(&leaves);
    let root5 = crate::tree::mth(&leaves);
    let proof = inclusion_proof(0, 5, reader(&nodes, 5)).unwrap();
    assert_eq!(path_shape(0, 5), path_shape(0, 7));
    assert_eq!(verify_inclusion(&leaves[0], 0, 7, &proof, &root5), Ok(()));
    assert_ne!(path_shape(0, 5), path_shape(0, 6 + 3));
    assert!(verify_inclusion(&leaves[0], 0, 9, &proof, &root5).is_err());
}

fn flip_u64(v: u64, bit: u32) -> u64 {
    v ^ (1u64 << bit)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_bit_flip_breaks_an_inclusion_proof(n in 1u64..=MAX, i_seed in 0u64..MAX) {
        let i = i_seed % n;
        let leaves = test_leaves(n);
        let nodes = store(&leaves);
        let root = crate::tree::mth(&leaves);
        let leaf = leaves[i as usize];
        let proof = inclusion_proof(i, n, reader(&nodes, n)).unwrap();
        prop_assert!(verify_inclusion(&leaf, i, n, &proof, &root).is_ok());
        for bit in 0..256 {
            prop_assert!(verify_inclusion(&flip(&leaf, bit), i, n, &proof, &root).is_err());
            prop_assert!(verify_inclusion(&leaf, i, n, &proof, &flip(&root, bit)).is_err());
            for j in 0..proof.len() {
                let mut bad = proof.clone();
                bad[j] = flip(&bad[j], bit);
                prop_assert!(verify_inclusion(&leaf, i, n, &bad, &root).is_err());
            }
        }
        // Index and size are bound by the proof's shape; a flipped value is accepted only when
        // it describes exactly the same hashing (the signed checkpoint binds the true size).
        for bit in 0..64 {
            let i2 = flip_u64(i, bit);
            let same = i2 < n && path_shape(i2, n) == path_shape(i, n);
            prop_assert_eq!(verify_inclusion(&leaf, i2, n, &proof, &root).is_ok(), same);
            prop_assert!(!same, "index {i} flipped to {i2} still verifies in size {n}");
            let n2 = flip_u64(n, bit);
            let same = i < n2 && path_shape(i, n2) == path_shape(i, n);
            prop_assert_eq!(verify_inclusion(&leaf, i, n2, &proof, &root).is_ok(), same);
        }
        // One hash too many or too few.
        let mut long = proof.clone();
        long.push(root);
        prop_assert!(verify_inclusion(&leaf, i, n, &long, &root).is_err());
        if !proof.is_empty() {
            prop_assert!(verify_inclusion(&leaf, i, n, &proof[1..], &root).is_err());
            prop_assert!(verify_inclusion(&leaf, i, n, &proof[..proof.len() - 1], &root).is_err());
        }
    }

    #[test]
    fn every_bit_flip_breaks_a_consistency_proof(n in 2u64..=MAX, m_seed in 0u64..MAX) {
        let m = 1 + m_seed % (n - 1);
        let leaves = test_leaves(n);
        let nodes = store(&leaves);
        let root_m = crate::tree::mth(&leaves[..m as usize]);
        let root_n = crate::tree::mth(&leaves);
        let proof = consistency_proof(m, n, reader(&nodes, n)).unwrap();
        prop_assert!(verify_consistency(m, n, &proof, &root_m, &root_n).is_ok());
        for bit in 0..256 {
            prop_assert!(verify_consistency(m, n, &proof, &flip(&root_m, bit), &root_n).is_err());
            prop_assert!(verify_consistency(m, n, &proof, &root_m, &flip(&root_n, bit)).is_err());
            for j in 0..proof.len() {
                let mut bad = proof.clone();
                bad[j] = flip(&bad[j], bit);
                prop_assert!(verify_consistency(m, n, &bad, &root_m, &root_n).is_err());
            }
        }
        for bit in 0..64 {
            let m2 = flip_u64(m, bit);
            let same = consistency_claim_is_equivalent(m, n, m2, n, proof.len());
            prop_assert_eq!(verify_consistency(m2, n, &proof, &root_m, &root_n).is_ok(), same);
            let n2 = flip_u64(n, bit);
            let same = consistency_claim_is_equivalent(m, n, m, n2, proof.len());
            prop_assert_eq!(verify_consistency(m, n2, &proof, &root_m, &root_n).is_ok(), same);
        }
        let mut long = proof.clone();
        long.push(root_n);
        prop_assert!(verify_consistency(m, n, &long, &root_m, &root_n).is_err());
        prop_assert!(verify_consistency(m, n, &proof[1..], &root_m, &root_n).is_err());
        prop_assert!(verify_consistency(m, n, &proof[..proof.len() - 1], &root_m, &root_n).is_err());
    }
}
