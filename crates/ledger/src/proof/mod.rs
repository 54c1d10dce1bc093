//! Inclusion and consistency proofs (RFC 9162 §2.1.3–2.1.4), generated from stored complete nodes
//! and verified by the bit-walking algorithms of the RFC.
//!
//! Generation walks the RFC's recursive `PATH`/`SUB` definitions over leaf *ranges*, then turns
//! each range into the complete aligned nodes that cover it. A right-edge range that is not a
//! complete subtree (the tree's size is not a power of two there) is rebuilt by combining its
//! complete pieces, exactly as the RFC defines `MTH` over it. All needed node ids go to the reader
//! in one call, so storage answers with one query of O(log n) rows.

mod verify;

#[cfg(test)]
mod ct_merkle_oracle;
#[cfg(test)]
mod tests;

pub use verify::{
    VerifyError, consistency_proof_len, inclusion_proof_len, root_from_inclusion_proof,
    verify_consistency, verify_extension, verify_inclusion,
};

use crate::hash::{EMPTY_ROOT, Hash};
use crate::node::{NodeId, fold_right, range_nodes};

/// Why a proof could not be built. `E` is the node reader's error.
#[derive(Debug, thiserror::Error)]
pub enum ProofError<E> {
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("old size {old} is larger than new size {new}")]
    SizeOrder { old: u64, new: u64 },
    #[error("node reader failed")]
    Read(#[source] E),
    #[error("node reader returned {got} hashes for {expected} node ids")]
    ReadCount { expected: usize, got: usize },
}

/// Largest power of two strictly below `n`, for `n >= 2`.
pub(crate) fn split_point(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// The leaf ranges whose hashes form `PATH(index, D[0:size])`, leaf's sibling first.
/// Requires `index < size`.
pub(crate) fn inclusion_ranges(index: u64, size: u64) -> Vec<(u64, u64)> {
    let (mut lo, mut hi) = (0u64, size);
    let mut top_down = Vec::new();
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            top_down.push((lo + k, hi));
            hi = lo + k;
        } else {
            top_down.push((lo, lo + k));
            lo += k;
        }
    }
    top_down.reverse();
    top_down
}

/// The leaf ranges whose hashes form `PROOF(m, D[0:n]) = SUB(m, D[0:n], true)`.
/// Requires `0 < m <= n`.
pub(crate) fn consistency_ranges(m: u64, n: u64) -> Vec<(u64, u64)> {
    let (mut lo, mut hi, mut m, mut whole_old_tree) = (0u64, n, m, true);
    let mut top_down = Vec::new();
    loop {
        if m == hi - lo {
            if !whole_old_tree {
                top_down.push((lo, hi));
            }
            break;
        }
        let k = split_point(hi - lo);
        if m <= k {
            top_down.push((lo + k, hi));
            hi = lo + k;
        } else {
            top_down.push((lo, lo + k));
            lo += k;
            m -= k;
            whole_old_tree = false;
        }
    }
    top_down.reverse();
    top_down
}

/// Reads the nodes covering every range in one call and folds each range to its `MTH`.
fn hash_ranges<E>(
    ranges: &[(u64, u64)],
    read: impl FnOnce(&[NodeId]) -> Result<Vec<Hash>, E>,
) -> Result<Vec<Hash>, ProofError<E>> {
    let per_range: Vec<Vec<NodeId>> = ranges.iter().map(|&(s, e)| range_nodes(s, e)).collect();
    let ids: Vec<NodeId> = per_range.iter().flatten().copied().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = read(&ids).map_err(ProofError::Read)?;
    if hashes.len() != ids.len() {
        return Err(ProofError::ReadCount {
            expected: ids.len(),
            got: hashes.len(),
        });
    }
    let mut rest = hashes.as_slice();
    let mut out = Vec::with_capacity(per_range.len());
    for nodes in &per_range {
        let (these, after) = rest
            .split_at_checked(nodes.len())
            .ok_or(ProofError::ReadCount {
                expected: ids.len(),
                got: hashes.len(),
            })?;
        out.push(fold_right(these));
        rest = after;
    }
    Ok(out)
}

/// Inclusion proof of leaf `index` in the tree of `size` leaves, from stored complete nodes.
pub fn inclusion_proof<E>(
    index: u64,
    size: u64,
    read: impl FnOnce(&[NodeId]) -> Result<Vec<Hash>, E>,
) -> Result<Vec<Hash>, ProofError<E>> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    hash_ranges(&inclusion_ranges(index, size), read)
}

/// Consistency proof from the tree of `m` leaves to the tree of `n` leaves.
///
/// `m == n` and `m == 0` give the empty proof: the first is what RFC 9162 requires, the second
/// is what tlog-witness requires for a first submission (see [`verify_extension`]).
pub fn consistency_proof<E>(
    m: u64,
    n: u64,
    read: impl FnOnce(&[NodeId]) -> Result<Vec<Hash>, E>,
) -> Result<Vec<Hash>, ProofError<E>> {
    if m > n {
        return Err(ProofError::SizeOrder { old: m, new: n });
    }
    if m == 0 || m == n {
        return Ok(Vec::new());
    }
    hash_ranges(&consistency_ranges(m, n), read)
}

/// Root of the tree of `size` leaves, from stored complete nodes ([`EMPTY_ROOT`] for size 0).
pub fn root_at<E>(
    size: u64,
    read: impl FnOnce(&[NodeId]) -> Result<Vec<Hash>, E>,
) -> Result<Hash, ProofError<E>> {
    if size == 0 {
        return Ok(EMPTY_ROOT);
    }
    let roots = hash_ranges(&[(0, size)], read)?;
    Ok(roots.first().copied().unwrap_or(EMPTY_ROOT))
}
