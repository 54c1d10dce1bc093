//! Addressing of stored tree nodes. Storage keeps every *complete, aligned* subtree hash once, keyed
//! by [`NodeId`]; such a node never changes after it is complete, so rows are immutable and any
//! proof, tile or historical root can be rebuilt from them. [`Frontier`] is the right edge that the
//! sequencer keeps in memory while appending.

use crate::hash::{EMPTY_ROOT, Hash, node_hash};

/// A complete, aligned subtree: level k, index i covers leaves [i·2^k, (i+1)·2^k).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

impl NodeId {
    /// The node at `level` and `index`.
    pub const fn new(level: u8, index: u64) -> Self {
        Self { level, index }
    }

    /// The level-0 node of leaf `index`.
    pub const fn leaf(index: u64) -> Self {
        Self { level: 0, index }
    }

    /// First leaf covered, or `None` when it lies beyond `u64`.
    pub fn first_leaf(&self) -> Option<u64> {
        shl(self.index, self.level)
    }

    /// One past the last leaf covered, or `None` when it lies beyond `u64`.
    pub fn end_leaf(&self) -> Option<u64> {
        shl(self.index.checked_add(1)?, self.level)
    }
}

fn shl(value: u64, level: u8) -> Option<u64> {
    if level >= 64 {
        return (value == 0).then_some(0);
    }
    let shifted = value << level;
    (shifted >> level == value).then_some(shifted)
}

/// Splits the leaf range `[start, end)` into maximal complete aligned subtrees, left to right.
///
/// For the ranges that RFC 6962 proofs use (`start` a multiple of a power of two at least
/// `end - start`), folding these nodes from the right (see [`fold_right`]) gives exactly
/// `MTH(D[start:end])`.
pub(crate) fn range_nodes(start: u64, end: u64) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end {
        let remaining = end - pos;
        let fit = 63 - remaining.leading_zeros(); // largest 2^k <= remaining
        let align = if pos == 0 { 63 } else { pos.trailing_zeros() };
        let level = fit.min(align);
        out.push(NodeId::new(level as u8, pos >> level));
        pos += 1u64 << level;
    }
    out
}

/// Combines the hashes of consecutive subtrees, largest first, the way RFC 6962 combines a
/// non-power-of-two right edge: `h0 · (h1 · (h2 · …))`.
pub(crate) fn fold_right(hashes: &[Hash]) -> Hash {
    let Some((last, rest)) = hashes.split_last() else {
        return EMPTY_ROOT;
    };
    rest.iter().rev().fold(*last, |acc, h| node_hash(h, &acc))
}

/// The frontier did not match the tree size it was built for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontierError {
    #[error("a tree of size {size} has {expected} frontier nodes, got {got}")]
    WrongNodeCount {
        size: u64,
        expected: usize,
        got: usize,
    },
}

/// Right edge of a tree of `size` leaves: the maximal complete subtrees, left to right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<(NodeId, Hash)>,
}

impl Frontier {
    /// The frontier of the empty tree.
    pub fn empty() -> Self {
        Self {
            size: 0,
            nodes: Vec::new(),
        }
    }

    /// Which stored nodes rebuild the frontier of a tree of `size` leaves (one per set bit of
    /// `size`, largest first).
    pub fn ids_for(size: u64) -> Vec<NodeId> {
        range_nodes(0, size)
    }

    /// Rebuilds a frontier from stored node hashes given in [`Frontier::ids_for`] order.
    pub fn from_nodes(size: u64, hashes: &[Hash]) -> Result<Self, FrontierError> {
        let ids = Self::ids_for(size);
        if ids.len() != hashes.len() {
            return Err(FrontierError::WrongNodeCount {
                size,
                expected: ids.len(),
                got: hashes.len(),
            });
        }
        Ok(Self {
            size,
            nodes: ids.into_iter().zip(hashes.iter().copied()).collect(),
        })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The frontier nodes, left to right.
    pub fn nodes(&self) -> &[(NodeId, Hash)] {
        &self.nodes
    }

    /// The Merkle tree hash of the whole tree; [`EMPTY_ROOT`] for size 0.
    pub fn root(&self) -> Hash {
        let hashes: Vec<Hash> = self.nodes.iter().map(|(_, h)| *h).collect();
        fold_right(&hashes)
    }

    /// Appends one leaf hash; returns every complete node that became complete (level 0 included),
    /// which the caller stores.
    ///
    /// A tree of `u64::MAX` leaves cannot grow: `push` then changes nothing and returns no nodes.
    pub fn push(&mut self, leaf: Hash) -> Vec<(NodeId, Hash)> {
        let Some(new_size) = self.size.checked_add(1) else {
            return Vec::new();
        };
        let mut current = (NodeId::leaf(self.size), leaf);
        let mut completed = vec![current];
        while let Some(&(left_id, left_hash)) = self.nodes.last() {
            if left_id.level != current.0.level {
                break;
            }
            self.nodes.pop();
            current = (
                NodeId::new(left_id.level + 1, left_id.index / 2),
                node_hash(&left_hash, &current.1),
            );
            completed.push(current);
        }
        self.nodes.push(current);
        self.size = new_size;
        completed
    }
}

impl Default for Frontier {
    fn default() -> Self {
        Self::empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;
    use crate::tree::mth;
    use proptest::prelude::*;

    fn leaves(n: u64) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_be_bytes())).collect()
    }

    #[test]
    fn ids_for_lists_one_node_per_set_bit_largest_first() {
        assert!(Frontier::ids_for(0).is_empty());
        assert_eq!(
            Frontier::ids_for(13),
            vec![NodeId::new(3, 0), NodeId::new(2, 2), NodeId::new(0, 12)]
        );
        assert_eq!(Frontier::ids_for(u64::MAX).len(), 64);
        assert_eq!(Frontier::ids_for(1 << 63), vec![NodeId::new(63, 0)]);
    }

    #[test]
    fn push_reports_every_newly_complete_node() {
        let mut f = Frontier::empty();
        let l = leaves(4);
        assert_eq!(f.push(l[0]), vec![(NodeId::leaf(0), l[0])]);
        let n01 = node_hash(&l[0], &l[1]);
        assert_eq!(
            f.push(l[1]),
            vec![(NodeId::leaf(1), l[1]), (NodeId::new(1, 0), n01)]
        );
        f.push(l[2]);
        let done = f.push(l[3]);
        let n23 = node_hash(&l[2], &l[3]);
        assert_eq!(
            done,
            vec![
                (NodeId::leaf(3), l[3]),
                (NodeId::new(1, 1), n23),
                (NodeId::new(2, 0), node_hash(&n01, &n23)),
            ]
        );
        assert_eq!(f.nodes().len(), 1);
    }

    #[test]
    fn empty_frontier_has_empty_root() {
        assert_eq!(Frontier::empty().root(), EMPTY_ROOT);
        assert_eq!(Frontier::from_nodes(0, &[]), Ok(Frontier::empty()));
    }

    #[test]
    fn from_nodes_rejects_wrong_count() {
        assert_eq!(
            Frontier::from_nodes(3, &[EMPTY_ROOT]),
            Err(FrontierError::WrongNodeCount {
                size: 3,
                expected: 2,
                got: 1
            })
        );
    }

    #[test]
    fn node_ranges_are_checked_for_overflow() {
        assert_eq!(NodeId::new(2, 3).first_leaf(), Some(12));
        assert_eq!(NodeId::new(2, 3).end_leaf(), Some(16));
        assert_eq!(NodeId::new(63, 1).first_leaf(), Some(1 << 63));
        assert_eq!(NodeId::new(63, 1).end_leaf(), None);
        assert_eq!(NodeId::new(64, 0).first_leaf(), Some(0));
        assert_eq!(NodeId::new(70, 1).first_leaf(), None);
    }

    proptest! {
        #[test]
        fn push_gives_the_same_root_as_the_slice_mth(n in 0u64..600) {
            let l = leaves(n);
            let mut f = Frontier::empty();
            let mut stored = std::collections::BTreeMap::new();
            for (i, h) in l.iter().enumerate() {
                for (id, nh) in f.push(*h) {
                    prop_assert!(stored.insert(id, nh).is_none(), "node {id:?} completed twice");
                }
                prop_assert_eq!(f.size(), i as u64 + 1);
            }
            prop_assert_eq!(f.root(), mth(&l));
            // Every stored node is the MTH of the leaves it covers.
            for (id, h) in &stored {
                let start = id.first_leaf().unwrap() as usize;
                let end = id.end_leaf().unwrap() as usize;
                prop_assert_eq!(*h, mth(&l[start..end]));
            }
            // from_nodes(ids_for) round-trips from the stored rows.
            let ids = Frontier::ids_for(n);
            let hashes: Vec<Hash> = ids.iter().map(|id| stored[id]).collect();
            let rebuilt = Frontier::from_nodes(n, &hashes).unwrap();
            prop_assert_eq!(&rebuilt, &f);
            prop_assert_eq!(rebuilt.root(), mth(&l));
        }

        #[test]
        fn range_nodes_cover_the_range_with_aligned_nodes(start in 0u64..1000, len in 0u64..1000) {
            let end = start + len;
            let mut pos = start;
            for id in range_nodes(start, end) {
                prop_assert_eq!(id.first_leaf(), Some(pos));
                pos = id.end_leaf().unwrap();
            }
            prop_assert_eq!(pos, end);
        }
    }
}
