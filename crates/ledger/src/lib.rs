//! oneseal-ledger: the bureau's transparency log, written from RFC 6962/9162 and the C2SP specs.
//!
//! Pure: no I/O, no clock, no database. Anyone who wants to check our log can depend on this crate alone.
//!
//! - [`hash`], [`tree`]: the RFC 6962 hashes and the plain `MTH` used to recompute roots;
//! - [`node`]: stored complete subtrees ([`NodeId`]) and the append frontier ([`Frontier`]);
//! - [`proof`]: inclusion and consistency proofs from stored nodes, and their verification;
//! - [`tile`]: tlog-tiles paths, tile contents and entry bundles;
//! - [`note`], [`checkpoint`], [`cosignature`]: signed notes, checkpoints, witness cosignatures;
//! - [`witness`], [`receipt`], [`policy`]: tlog-witness, tlog-proof and tlog-policy logic;
//! - [`fuzz`]: every parser of outside bytes, as fuzz entry points.
//!
//! Time is always a parameter (cosignature timestamps, freshness checks), and no parser panics
//! on bad input: each returns its module's typed error.

pub mod checkpoint;
pub mod cosignature;
pub mod fuzz;
pub mod hash;
pub mod node;
pub mod note;
pub mod policy;
pub mod proof;
pub mod receipt;
pub mod tile;
pub mod tree;
mod verifier;
pub mod witness;

pub use hash::{EMPTY_ROOT, HASH_SIZE, Hash, leaf_hash, node_hash};
pub use node::{Frontier, FrontierError, NodeId};
pub use proof::{
    ProofError, VerifyError, consistency_proof, inclusion_proof, root_at, verify_consistency,
    verify_extension, verify_inclusion,
};
pub use tile::tile_node_ids;
pub use tree::mth;
