//! Proof verification, written from the RFC 9162 algorithms (§2.1.3.2 and §2.1.4.2) rather than
//! from the generator, so the two check each other. Proof lengths are checked exactly: a proof one
//! hash too long or too short is refused before any hashing.

use super::{consistency_ranges, inclusion_ranges};
use crate::hash::{EMPTY_ROOT, Hash, node_hash};

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old size {old} is larger than new size {new}")]
    SizeOrder { old: u64, new: u64 },
    #[error("a consistency proof from the empty tree is meaningless here")]
    OldSizeZero,
    #[error("proof has {got} hashes, expected {expected}")]
    WrongProofLength { expected: usize, got: usize },
    #[error("computed root does not match the expected root")]
    RootMismatch,
    #[error("computed old root does not match the old root")]
    OldRootMismatch,
}

/// Number of hashes in the inclusion proof of `index` in a tree of `size`, or `None` if
/// `index >= size`.
pub fn inclusion_proof_len(index: u64, size: u64) -> Option<usize> {
    (index < size).then(|| inclusion_ranges(index, size).len())
}

/// Number of hashes in the consistency proof from `m` to `n` (0 when `m == n` or `m == 0`), or
/// `None` if `m > n`.
pub fn consistency_proof_len(m: u64, n: u64) -> Option<usize> {
    match m {
        _ if m > n => None,
        0 => Some(0),
        _ if m == n => Some(0),
        _ => Some(consistency_ranges(m, n).len()),
    }
}

/// Shifts `fn_` and `sn` right together until `fn_` is odd or zero.
fn shift_until_odd(fn_: &mut u64, sn: &mut u64) {
    while *fn_ != 0 && *fn_ & 1 == 0 {
        *fn_ >>= 1;
        *sn >>= 1;
    }
}

/// The root that an inclusion proof implies for `leaf` at `index` in a tree of `size`.
pub fn root_from_inclusion_proof(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, VerifyError> {
    let expected =
        inclusion_proof_len(index, size).ok_or(VerifyError::IndexOutOfRange { index, size })?;
    if proof.len() != expected {
        return Err(VerifyError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    let (mut fn_, mut sn, mut r) = (index, size - 1, *leaf);
    for p in proof {
        if sn == 0 {
            return Err(VerifyError::WrongProofLength {
                expected,
                got: proof.len(),
            });
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            shift_until_odd(&mut fn_, &mut sn);
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(VerifyError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    Ok(r)
}

/// Checks that `leaf` (a leaf *hash*: the verifier hashes entries itself) is at `index` in the
/// tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if root_from_inclusion_proof(leaf, index, size, proof)? == *root {
        Ok(())
    } else {
        Err(VerifyError::RootMismatch)
    }
}

/// Checks that the tree of `n` leaves with root `root_n` extends the tree of `m` leaves with root
/// `root_m` (RFC 9162). `m == n` needs an empty proof and equal roots; `m == 0` is refused (use
/// [`verify_extension`] where tlog-witness semantics are wanted).
pub fn verify_consistency(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
    root_n: &Hash,
) -> Result<(), VerifyError> {
    if m > n {
        return Err(VerifyError::SizeOrder { old: m, new: n });
    }
    if m == 0 {
        return Err(VerifyError::OldSizeZero);
    }
    if m == n {
        return match (proof.is_empty(), root_m == root_n) {
            (false, _) => Err(VerifyError::WrongProofLength {
                expected: 0,
                got: proof.len(),
            }),
            (true, false) => Err(VerifyError::RootMismatch),
            (true, true) => Ok(()),
        };
    }
    let expected = consistency_ranges(m, n).len();
    if proof.len() != expected {
        return Err(VerifyError::WrongProofLength {
            expected,
            got: proof.len(),
        });
    }
    let (old, new) = roots_from_consistency_proof(m, n, proof, root_m)?;
    if old != *root_m {
        return Err(VerifyError::OldRootMismatch);
    }
    if new != *root_n {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2 steps 2–6 for `0 < m < n`: the old and new roots the proof implies.
fn roots_from_consistency_proof(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
) -> Result<(Hash, Hash), VerifyError> {
    let wrong_length = VerifyError::WrongProofLength {
        expected: consistency_ranges(m, n).len(),
        got: proof.len(),
    };
    // When m is a power of two the old tree is a complete subtree of the new one, and its root
    // is the first node on the path rather than part of the proof.
    let (seed, rest) = if m.is_power_of_two() {
        (*root_m, proof)
    } else {
        let (first, rest) = proof.split_first().ok_or(wrong_length.clone())?;
        (*first, rest)
    };
    let (mut fn_, mut sn) = (m - 1, n - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (seed, seed);
    for c in rest {
        if sn == 0 {
            return Err(wrong_length);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            shift_until_odd(&mut fn_, &mut sn);
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(wrong_length);
    }
    Ok((fr, sr))
}

/// [`verify_consistency`] with tlog-witness semantics for the empty old tree: from `m == 0` the
/// proof must be empty and `root_m` must be [`EMPTY_ROOT`] (pass it when nothing is stored); a
/// new tree of size 0 must also have the empty root.
pub fn verify_extension(
    m: u64,
    n: u64,
    proof: &[Hash],
    root_m: &Hash,
    root_n: &Hash,
) -> Result<(), VerifyError> {
    if m != 0 {
        return verify_consistency(m, n, proof, root_m, root_n);
    }
    if !proof.is_empty() {
        return Err(VerifyError::WrongProofLength {
            expected: 0,
            got: proof.len(),
        });
    }
    if *root_m != EMPTY_ROOT {
        return Err(VerifyError::OldRootMismatch);
    }
    if n == 0 && *root_n != EMPTY_ROOT {
        return Err(VerifyError::RootMismatch);
    }
    Ok(())
}
