use super::*;
use proptest::prelude::*;

#[test]
fn index_encoding_matches_the_spec_example() {
    assert_eq!(encode_index(1_234_067), "x001/x234/067");
    assert_eq!(encode_index(0), "000");
    assert_eq!(encode_index(999), "999");
    assert_eq!(encode_index(1000), "x001/000");
    assert_eq!(encode_index(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
}

#[test]
fn paths_format_and_parse_for_hash_tiles_and_bundles() {
    let t = Tile::hashes(0, 1_234_067, 112).unwrap();
    assert_eq!(t.path(), "tile/0/x001/x234/067.p/112");
    assert_eq!(Tile::parse_path("tile/0/x001/x234/067.p/112"), Ok(t));
    let full = Tile::hashes(2, 5, 256).unwrap();
    assert_eq!(full.path(), "tile/2/005");
    assert_eq!(Tile::parse_path("tile/2/005"), Ok(full));
    let bundle = Tile::entries(1000, 7).unwrap();
    assert_eq!(bundle.path(), "tile/entries/x001/000.p/7");
    assert_eq!(Tile::parse_path("tile/entries/x001/000.p/7"), Ok(bundle));
    assert_eq!(
        Tile::parse_path("tile/63/x018/x446/x744/x073/x709/x551/615"),
        Ok(Tile::hashes(63, u64::MAX, 256).unwrap())
    );
}

#[test]
fn malformed_paths_get_typed_errors() {
    use TilePathError::*;
    let cases: &[(&str, TilePathError)] = &[
        ("", MissingPrefix),
        ("/tile/0/000", MissingPrefix),
        ("tiles/0/000", MissingPrefix),
        ("tile/", BadLevel),
        ("tile/00/000", BadLevel),
        ("tile/01/000", BadLevel),
        ("tile/64/000", BadLevel),
        ("tile/-1/000", BadLevel),
        ("tile/+1/000", BadLevel),
        ("tile/1a/000", BadLevel),
        ("tile/../000", BadLevel),
        ("tile/0", BadIndex),
        ("tile/0/", BadIndex),
        ("tile/0/00", BadIndex),
        ("tile/0/0000", BadIndex),
        ("tile/0/1", BadIndex),
        ("tile/0/x000/001", BadIndex),
        ("tile/0/x001", BadIndex),
        ("tile/0/x001/", BadIndex),
        ("tile/0/001/002", TrailingSegments),
        ("tile/0/X001/002", BadIndex),
        ("tile/0/x01/002", BadIndex),
        ("tile/0/..", BadIndex),
        ("tile/0/../000", BadIndex),
        ("tile/0/x001/..", BadIndex),
        ("tile/0/+12", BadIndex),
        ("tile/0/ 12", BadIndex),
        ("tile/0/x001.p/5", BadIndex),
        ("tile/0/x018/x446/x744/x073/x709/x551/616", IndexOverflow),
        (
            "tile/0/x001/x000/x000/x000/x000/x000/x000/000",
            IndexOverflow,
        ),
        ("tile/0/000.p", BadWidth),
        ("tile/0/000.p/", BadWidth),
        ("tile/0/000.p/0", BadWidth),
        ("tile/0/000.p/256", BadWidth),
        ("tile/0/000.p/007", BadWidth),
        ("tile/0/000.p/-7", BadWidth),
        ("tile/0/000.p/1000", BadWidth),
        ("tile/0/000.p/7/", TrailingSegments),
        ("tile/0/000.p/7/x", TrailingSegments),
        ("tile/0/000/", TrailingSegments),
        ("tile/entries/000.q/7", BadIndex),
        ("tile/entries", BadIndex),
        ("tile/entries/x000/000", BadIndex),
    ];
    for (path, want) in cases {
        assert_eq!(Tile::parse_path(path), Err(want.clone()), "{path:?}");
    }
}

#[test]
fn size_70000_has_the_spec_tile_layout() {
    let tiles = tiles_for_size(70_000);
    let count = |level: u8, full: bool| {
        tiles
            .iter()
            .filter(|t| t.level() == level && t.is_full() == full)
            .count()
    };
    assert_eq!(count(0, true), 273);
    assert_eq!(count(0, false), 1);
    assert_eq!(count(1, true), 1);
    assert_eq!(count(1, false), 1);
    assert_eq!(count(2, true), 0);
    assert_eq!(count(2, false), 1);
    assert_eq!(tiles.len(), 277);
    let partials: Vec<(u8, u64, u16)> = tiles
        .iter()
        .filter(|t| !t.is_full())
        .map(|t| (t.level(), t.index, t.width))
        .collect();
    assert_eq!(partials, vec![(0, 273, 112), (1, 1, 17), (2, 0, 1)]);
    assert_eq!(partial_width(70_000, 0), 112);
    assert_eq!(partial_width(70_000, 1), 17);
    assert_eq!(partial_width(70_000, 2), 1);
    assert_eq!(partial_width(70_000, 3), 0);
    assert_eq!(full_tiles(70_000, 0), 273);
    assert_eq!(full_tiles(70_000, 1), 1);
}

#[test]
fn size_256_is_one_full_tile_and_a_level_one_partial() {
    let tiles = tiles_for_size(256);
    assert_eq!(
        tiles,
        vec![
            Tile::hashes(0, 0, 256).unwrap(),
            Tile::hashes(1, 0, 1).unwrap()
        ]
    );
    assert!(tiles_for_size(0).is_empty());
}

#[test]
fn tile_node_ids_address_level_8l() {
    let ids = tile_node_ids(1, 2, 3);
    assert_eq!(
        ids,
        vec![
            NodeId::new(8, 512),
            NodeId::new(8, 513),
            NodeId::new(8, 514)
        ]
    );
    assert_eq!(tile_node_ids(0, 0, 256).len(), 256);
    assert!(tile_node_ids(8, 0, 1).is_empty());
    assert_eq!(tile_node_ids(7, 0, 256).last(), Some(&NodeId::new(56, 255)));
    assert!(tile_node_ids(0, u64::MAX, 256).is_empty());
}

#[test]
fn availability_follows_the_tree_size() {
    let t = Tile::hashes(0, 1, 10).unwrap();
    assert!(!t.available_at(265));
    assert!(t.available_at(266));
    assert!(t.available_at(1_000_000));
    let full = Tile::hashes(1, 0, 256).unwrap();
    assert!(!full.available_at(65_535));
    assert!(full.available_at(65_536));
    assert!(
        !Tile::hashes(63, u64::MAX, 256)
            .unwrap()
            .available_at(u64::MAX)
    );
    assert!(Tile::entries(0, 3).unwrap().available_at(3));
}

#[test]
fn growing_lists_only_changed_tiles() {
    assert_eq!(
        new_tiles(300, 300),
        Vec::<Tile>::new(),
        "no growth, nothing new"
    );
    assert_eq!(new_tiles(300, 301), vec![Tile::hashes(0, 1, 45).unwrap()]);
    assert_eq!(
        new_tiles(255, 513),
        vec![
            Tile::hashes(0, 0, 256).unwrap(),
            Tile::hashes(0, 1, 256).unwrap(),
            Tile::hashes(0, 2, 1).unwrap(),
            Tile::hashes(1, 0, 2).unwrap(),
        ]
    );
    assert_eq!(
        new_entry_bundles(255, 257),
        vec![Tile::entries(0, 256).unwrap(), Tile::entries(1, 1).unwrap()]
    );
}

#[test]
fn bundles_round_trip_and_reject_bad_input() {
    let entries: Vec<Vec<u8>> = vec![vec![], b"a".to_vec(), vec![7; 65_535]];
    let bytes = encode_bundle(&entries).unwrap();
    assert_eq!(&bytes[..5], &[0, 0, 0, 1, b'a']);
    let decoded = decode_bundle(&bytes).unwrap();
    assert_eq!(
        decoded,
        entries.iter().map(Vec::as_slice).collect::<Vec<_>>()
    );
    assert_eq!(
        encode_bundle(&[vec![0u8; 65_536]]),
        Err(TileDataError::EntryTooLarge {
            index: 0,
            len: 65_536
        })
    );
    assert_eq!(
        decode_bundle(&[0]),
        Err(TileDataError::Truncated { index: 0 })
    );
    assert_eq!(
        decode_bundle(&[0, 1, b'a', 0, 2, b'b']),
        Err(TileDataError::Truncated { index: 1 })
    );
    assert_eq!(
        encode_bundle(&vec![b"x"; 257]),
        Err(TileDataError::TooManyEntries)
    );
    let many = vec![0u8; 2 * 257];
    assert_eq!(decode_bundle(&many), Err(TileDataError::TooManyEntries));
    let tile = Tile::entries(0, 2).unwrap();
    assert_eq!(
        decode_bundle_for(&tile, &bytes),
        Err(TileDataError::WidthMismatch {
            expected: 2,
            found: 3
        })
    );
}

#[test]
fn tile_bytes_round_trip_and_reject_bad_lengths() {
    let hashes = vec![[1u8; 32], [2u8; 32]];
    assert_eq!(decode_tile(&encode_tile(&hashes)), Ok(hashes));
    assert!(decode_tile(&[]).is_err());
    assert!(decode_tile(&[0; 33]).is_err());
    assert!(decode_tile(&vec![0; 32 * 257]).is_err());
    assert_eq!(decode_tile(&vec![0; 32 * 256]).unwrap().len(), 256);
}

proptest! {
    #[test]
    fn every_tile_path_round_trips(level in 0u8..=63, index in any::<u64>(), width in 1u16..=256, entries in any::<bool>()) {
        let t = if entries { Tile::entries(index, width) } else { Tile::hashes(level, index, width) }.unwrap();
        prop_assert_eq!(Tile::parse_path(&t.path()), Ok(t));
    }

    #[test]
    fn parse_never_panics_and_accepts_only_canonical_paths(path in "tile/[0-9a-z./x]{0,40}") {
        if let Ok(t) = Tile::parse_path(&path) {
            prop_assert_eq!(t.path(), path);
        }
    }

    #[test]
    fn new_tiles_cover_exactly_the_growth(old in 0u64..200_000, grow in 0u64..70_000) {
        let new = old + grow;
        let tiles = new_tiles(old, new);
        for t in &tiles {
            prop_assert!(t.available_at(new));
            prop_assert!(!t.available_at(old));
        }
        // Union with the tiles of the old size gives the tiles of the new size.
        let all_new = tiles_for_size(new);
        for t in &all_new {
            let listed = tiles.contains(t);
            prop_assert_eq!(listed, !t.available_at(old), "{:?}", t);
        }
    }

    #[test]
    fn bundles_round_trip(entries in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..40)) {
        let bytes = encode_bundle(&entries).unwrap();
        let back: Vec<Vec<u8>> = decode_bundle(&bytes).unwrap().into_iter().map(<[u8]>::to_vec).collect();
        prop_assert_eq!(back, entries);
    }
}
