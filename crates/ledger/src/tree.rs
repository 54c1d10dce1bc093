//! The Merkle Tree Hash straight from RFC 6962 §2.1, over a slice of leaf hashes. This is the
//! "separate code path": before a checkpoint is signed, the root is recomputed here from the
//! stored leaves and compared with the root built incrementally from stored nodes, so a flipped
//! bit in either copy is caught before it is signed into history.

use crate::hash::{EMPTY_ROOT, Hash, node_hash};

/// `MTH(D[0:n])` for the given leaf hashes: [`EMPTY_ROOT`] for no leaves, the leaf hash for one,
/// otherwise `node(MTH(D[0:k]), MTH(D[k:n]))` with k the largest power of two below n.
pub fn mth(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => EMPTY_ROOT,
        [only] => *only,
        _ => {
            let k = largest_power_of_two_below(leaf_hashes.len());
            let (left, right) = leaf_hashes.split_at(k);
            node_hash(&mth(left), &mth(right))
        }
    }
}

/// Largest power of two strictly below `n`, for `n >= 2`.
fn largest_power_of_two_below(n: usize) -> usize {
    let bits = usize::BITS - (n - 1).leading_zeros();
    1 << (bits - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        let cases = [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1000, 512)];
        for (n, k) in cases {
            assert_eq!(largest_power_of_two_below(n), k, "n={n}");
        }
    }

    #[test]
    fn mth_matches_rfc6962_reference_roots() {
        // Roots of the RFC 6962 reference tree (certificate-transparency test data), whose leaves
        // are the 8 entries below; values are the published MTH of the first n entries.
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
        let expected = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        for (n, want) in expected.iter().enumerate() {
            assert_eq!(hex(&mth(&leaves[..=n])), *want, "size {}", n + 1);
        }
        assert_eq!(mth(&[]), EMPTY_ROOT);
    }
}
