//! tlog-tiles: where each stored node hash and entry appears in the static read API, and the
//! strict parsing of request paths. Paths come from the network, so every deviation from the one
//! canonical spelling (leading zeros, bad widths, extra segments, `..`) is a typed error, never a
//! file-system lookup.

use crate::hash::{HASH_SIZE, Hash};
use crate::node::NodeId;

/// Hashes per full tile.
pub const TILE_WIDTH: u16 = 256;
/// Tree levels covered by one tile level.
pub const TILE_HEIGHT: u8 = 8;
/// Largest tile level a path may name (tlog-tiles: 0..=63).
pub const MAX_TILE_LEVEL: u8 = 63;
/// Largest entry an entry bundle can carry (uint16 length prefix).
pub const MAX_ENTRY_SIZE: usize = u16::MAX as usize;

/// A malformed tile request path or tile description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TilePathError {
    #[error("tile path must start with `tile/`")]
    MissingPrefix,
    #[error("tile level is not a decimal 0..=63 without leading zeros")]
    BadLevel,
    #[error("tile index is not encoded as canonical x-prefixed 3-digit groups")]
    BadIndex,
    #[error("tile index does not fit in 64 bits")]
    IndexOverflow,
    #[error("partial tile width is not a decimal 1..=255 without leading zeros")]
    BadWidth,
    #[error("unexpected text after the tile path")]
    TrailingSegments,
}

/// Malformed tile or entry-bundle contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileDataError {
    #[error("entry {index} has {len} bytes, more than the 65535 a bundle can carry")]
    EntryTooLarge { index: usize, len: usize },
    #[error("bundle holds more than 256 entries")]
    TooManyEntries,
    #[error("bundle is truncated inside entry {index}")]
    Truncated { index: usize },
    #[error("tile has {len} bytes, not a whole number of 1..=256 hashes")]
    BadTileLength { len: usize },
    #[error("expected {expected} items, found {found}")]
    WidthMismatch { expected: u16, found: usize },
}

/// What a tile holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TileKind {
    /// Node hashes at tree level `8 · level`.
    Hashes { level: u8 },
    /// Log entries (the data under level-0 tile `index`).
    Entries,
}

/// One tile or entry bundle: `width` is 1..=256, 256 meaning a full tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    pub kind: TileKind,
    pub index: u64,
    pub width: u16,
}

impl Tile {
    /// A hash tile; `width` must be 1..=256 and `level` at most 63.
    pub fn hashes(level: u8, index: u64, width: u16) -> Result<Self, TilePathError> {
        if level > MAX_TILE_LEVEL {
            return Err(TilePathError::BadLevel);
        }
        Self::checked(TileKind::Hashes { level }, index, width)
    }

    /// An entry bundle; `width` must be 1..=256.
    pub fn entries(index: u64, width: u16) -> Result<Self, TilePathError> {
        Self::checked(TileKind::Entries, index, width)
    }

    fn checked(kind: TileKind, index: u64, width: u16) -> Result<Self, TilePathError> {
        if width == 0 || width > TILE_WIDTH {
            return Err(TilePathError::BadWidth);
        }
        Ok(Self { kind, index, width })
    }

    /// Whether the tile holds all 256 items.
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// Tile level; entry bundles sit beside level 0.
    pub fn level(&self) -> u8 {
        match self.kind {
            TileKind::Hashes { level } => level,
            TileKind::Entries => 0,
        }
    }

    /// The stored nodes this tile serves, in order (leaf nodes for an entry bundle).
    pub fn node_ids(&self) -> Vec<NodeId> {
        tile_node_ids(self.level(), self.index, self.width)
    }

    /// The path under the log prefix, e.g. `tile/0/x001/x234/067.p/112`.
    pub fn path(&self) -> String {
        let head = match self.kind {
            TileKind::Hashes { level } => format!("tile/{level}/"),
            TileKind::Entries => "tile/entries/".to_owned(),
        };
        let mut out = head + &encode_index(self.index);
        if !self.is_full() {
            out.push_str(&format!(".p/{}", self.width));
        }
        out
    }

    /// Parses `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]` (relative to the log
    /// prefix, no leading slash, no query).
    pub fn parse_path(path: &str) -> Result<Self, TilePathError> {
        let rest = path
            .strip_prefix("tile/")
            .ok_or(TilePathError::MissingPrefix)?;
        let mut segments = rest.split('/');
        let kind = match segments.next() {
            Some("entries") => TileKind::Entries,
            Some(level) => TileKind::Hashes {
                level: parse_level(level)?,
            },
            None => return Err(TilePathError::BadLevel),
        };
        let (index, partial) = parse_index(&mut segments)?;
        let width = if partial {
            parse_width(segments.next().ok_or(TilePathError::BadWidth)?)?
        } else {
            TILE_WIDTH
        };
        if segments.next().is_some() {
            return Err(TilePathError::TrailingSegments);
        }
        Ok(Self { kind, index, width })
    }

    /// Whether a log of `size` leaves has every hash (or entry) of this tile, so that serving it
    /// is allowed. Narrower partial tiles of older sizes stay available (they are prefixes of
    /// immutable data).
    pub fn available_at(&self, size: u64) -> bool {
        let count = hashes_at_level(size, self.level());
        self.index
            .checked_mul(u64::from(TILE_WIDTH))
            .and_then(|start| start.checked_add(u64::from(self.width)))
            .is_some_and(|end| end <= count)
    }
}

fn is_canonical_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn parse_level(s: &str) -> Result<u8, TilePathError> {
    if !is_canonical_decimal(s) || s.len() > 2 {
        return Err(TilePathError::BadLevel);
    }
    s.parse::<u8>()
        .ok()
        .filter(|l| *l <= MAX_TILE_LEVEL)
        .ok_or(TilePathError::BadLevel)
}

fn parse_width(s: &str) -> Result<u16, TilePathError> {
    if !is_canonical_decimal(s) || s.len() > 3 {
        return Err(TilePathError::BadWidth);
    }
    s.parse::<u16>()
        .ok()
        .filter(|w| (1..TILE_WIDTH).contains(w))
        .ok_or(TilePathError::BadWidth)
}

fn three_digits(s: &str) -> Option<u64> {
    (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Reads `x001/x234/067[.p]`: returns the index and whether `.p` followed the last group.
fn parse_index<'a>(
    segments: &mut impl Iterator<Item = &'a str>,
) -> Result<(u64, bool), TilePathError> {
    let mut value: u64 = 0;
    let mut first = true;
    loop {
        let seg = segments.next().ok_or(TilePathError::BadIndex)?;
        let (group, last, partial) = if let Some(g) = seg.strip_prefix('x') {
            (g, false, false)
        } else if let Some(g) = seg.strip_suffix(".p") {
            (g, true, true)
        } else {
            (seg, true, false)
        };
        let digits = three_digits(group).ok_or(TilePathError::BadIndex)?;
        if first && !last && digits == 0 {
            return Err(TilePathError::BadIndex); // leading zero group
        }
        value = value
            .checked_mul(1000)
            .and_then(|v| v.checked_add(digits))
            .ok_or(TilePathError::IndexOverflow)?;
        if last {
            return Ok((value, partial));
        }
        first = false;
    }
}

/// Encodes a tile index as 3-digit groups, all but the last prefixed with `x`
/// (1234067 → `x001/x234/067`).
pub fn encode_index(n: u64) -> String {
    let mut groups = Vec::new();
    let mut rest = n;
    loop {
        groups.push(rest % 1000);
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    let last = groups.len() - 1;
    groups
        .iter()
        .rev()
        .enumerate()
        .map(|(i, g)| {
            if i == last {
                format!("{g:03}")
            } else {
                format!("x{g:03}")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Tile L/N of width W = node hashes at tree level 8·L, indices 256·N .. 256·N+W.
///
/// Levels above 7 name no node of a tree with fewer than 2^64 leaves and give no ids; so do
/// ranges that would overflow.
pub fn tile_node_ids(level: u8, n: u64, width: u16) -> Vec<NodeId> {
    let Some(tree_level) = level.checked_mul(TILE_HEIGHT).filter(|l| *l < 64) else {
        return Vec::new();
    };
    let Some(start) = n.checked_mul(u64::from(TILE_WIDTH)) else {
        return Vec::new();
    };
    (0..u64::from(width.min(TILE_WIDTH)))
        .map_while(|i| start.checked_add(i))
        .map(|i| NodeId::new(tree_level, i))
        .collect()
}

/// Number of hashes at tile level `level` in a tree of `size`: ⌊size / 256^level⌋.
fn hashes_at_level(size: u64, level: u8) -> u64 {
    match u32::from(level).checked_mul(u32::from(TILE_HEIGHT)) {
        Some(bits) if bits < 64 => size >> bits,
        _ => 0,
    }
}

/// Width of the partial tile at `level` for a tree of `size` (0 when there is none):
/// ⌊size / 256^level⌋ mod 256.
pub fn partial_width(size: u64, level: u8) -> u16 {
    (hashes_at_level(size, level) % u64::from(TILE_WIDTH)) as u16
}

/// Number of full tiles at `level` for a tree of `size`.
pub fn full_tiles(size: u64, level: u8) -> u64 {
    hashes_at_level(size, level) / u64::from(TILE_WIDTH)
}

/// The hash tiles that exist at `new_size` but not (with the same width) at `old_size`: what the
/// log must publish after its tree grows from `old_size` to `new_size`. Level by level, lowest
/// first; a tile that became full is listed with width 256.
pub fn new_tiles(old_size: u64, new_size: u64) -> Vec<Tile> {
    let mut out = Vec::new();
    for level in 0..=MAX_TILE_LEVEL {
        let new_count = hashes_at_level(new_size, level);
        if new_count == 0 {
            break;
        }
        let old_count = hashes_at_level(old_size, level).min(new_count);
        if old_count == new_count {
            continue;
        }
        let width = u64::from(TILE_WIDTH);
        for n in old_count / width..=(new_count - 1) / width {
            let w = (new_count - n * width).min(width) as u16;
            out.push(Tile {
                kind: TileKind::Hashes { level },
                index: n,
                width: w,
            });
        }
    }
    out
}

/// The entry bundles to publish when the tree grows from `old_size` to `new_size`.
pub fn new_entry_bundles(old_size: u64, new_size: u64) -> Vec<Tile> {
    new_tiles(old_size, new_size)
        .into_iter()
        .filter(|t| t.level() == 0)
        .map(|t| Tile {
            kind: TileKind::Entries,
            ..t
        })
        .collect()
}

/// Every hash tile (full and partial) of a tree of `size`, level by level.
pub fn tiles_for_size(size: u64) -> Vec<Tile> {
    new_tiles(0, size)
}

/// Concatenates hashes into tile bytes.
pub fn encode_tile(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flatten().copied().collect()
}

/// Splits tile bytes into 1..=256 hashes.
pub fn decode_tile(bytes: &[u8]) -> Result<Vec<Hash>, TileDataError> {
    let count = bytes.len() / HASH_SIZE;
    if !bytes.len().is_multiple_of(HASH_SIZE) || count == 0 || count > usize::from(TILE_WIDTH) {
        return Err(TileDataError::BadTileLength { len: bytes.len() });
    }
    Ok(bytes
        .chunks_exact(HASH_SIZE)
        .filter_map(|c| Hash::try_from(c).ok())
        .collect())
}

/// Encodes an entry bundle: each entry prefixed by its length as big-endian uint16.
pub fn encode_bundle<T: AsRef<[u8]>>(entries: &[T]) -> Result<Vec<u8>, TileDataError> {
    if entries.len() > usize::from(TILE_WIDTH) {
        return Err(TileDataError::TooManyEntries);
    }
    let mut out = Vec::new();
    for (index, e) in entries.iter().enumerate() {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).map_err(|_| TileDataError::EntryTooLarge {
            index,
            len: e.len(),
        })?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Ok(out)
}

/// Decodes an entry bundle into its entries (at most 256).
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, TileDataError> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if out.len() == usize::from(TILE_WIDTH) {
            return Err(TileDataError::TooManyEntries);
        }
        let index = out.len();
        let (len, after) = rest
            .split_first_chunk::<2>()
            .ok_or(TileDataError::Truncated { index })?;
        let (entry, after) = after
            .split_at_checked(usize::from(u16::from_be_bytes(*len)))
            .ok_or(TileDataError::Truncated { index })?;
        out.push(entry);
        rest = after;
    }
    Ok(out)
}

/// Decodes a bundle and checks it holds exactly the width the tile path promised.
pub fn decode_bundle_for(tile: &Tile, bytes: &[u8]) -> Result<Vec<Vec<u8>>, TileDataError> {
    let entries = decode_bundle(bytes)?;
    if entries.len() != usize::from(tile.width) {
        return Err(TileDataError::WidthMismatch {
            expected: tile.width,
            found: entries.len(),
        });
    }
    Ok(entries.into_iter().map(<[u8]>::to_vec).collect())
}

#[cfg(test)]
mod tests;
