//! tlog-checkpoint: the signed tree head. The note text is the origin, the decimal size and the
//! base64 root, then optional extension lines, which are kept byte for byte because signatures
//! and cosignatures cover them.

use crate::hash::{EMPTY_ROOT, Hash, hash_from_base64, hash_to_base64};
use crate::note::{Note, NoteError, NoteSigner, NoteVerifier, VerifiedNote, check_text};

/// A malformed checkpoint text, or a checkpoint note that did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("checkpoint text must have at least origin, size and root lines")]
    TooFewLines,
    #[error("checkpoint origin is empty or has a control character")]
    BadOrigin,
    #[error("checkpoint size is not a decimal without leading zeros")]
    BadSize,
    #[error("checkpoint root is not one base64 SHA-256 hash")]
    BadRoot,
    #[error("checkpoint extension lines must be non-empty single lines")]
    BadExtension,
    #[error("an empty tree must have the empty root")]
    BadEmptyRoot,
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// The body of a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    origin: String,
    size: u64,
    root: Hash,
    extensions: Vec<String>,
}

/// Parses a decimal without sign or leading zeros (`0` itself is allowed).
pub(crate) fn parse_decimal(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    canonical.then(|| s.parse().ok()).flatten()
}

fn valid_line(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(char::is_control)
}

impl Checkpoint {
    /// A checkpoint without extension lines. The empty tree must carry [`EMPTY_ROOT`].
    pub fn new(origin: &str, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        if size == 0 && root != EMPTY_ROOT {
            return Err(CheckpointError::BadEmptyRoot);
        }
        Self::unchecked_root(origin, size, root)
    }

    /// Parsing does not judge the root: whether an empty tree's root is right is a verification
    /// question (tlog-witness answers it with 422, not 400).
    fn unchecked_root(origin: &str, size: u64, root: Hash) -> Result<Self, CheckpointError> {
        if !valid_line(origin) {
            return Err(CheckpointError::BadOrigin);
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions: Vec::new(),
        })
    }

    /// Adds an extension line (not recommended by the spec: monitors cannot audit it).
    pub fn with_extension(mut self, line: &str) -> Result<Self, CheckpointError> {
        if !valid_line(line) {
            return Err(CheckpointError::BadExtension);
        }
        self.extensions.push(line.to_owned());
        Ok(self)
    }

    /// Parses a checkpoint note text (origin, size, root, extension lines; final newline).
    pub fn parse_text(text: &str) -> Result<Self, CheckpointError> {
        check_text(text)?;
        let body = text
            .strip_suffix('\n')
            .ok_or(CheckpointError::TooFewLines)?;
        let mut lines = body.split('\n');
        let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(CheckpointError::TooFewLines);
        };
        let size = parse_decimal(size).ok_or(CheckpointError::BadSize)?;
        let root = hash_from_base64(root).map_err(|_| CheckpointError::BadRoot)?;
        let mut cp = Self::unchecked_root(origin, size, root)?;
        for line in lines {
            cp = cp.with_extension(line)?;
        }
        Ok(cp)
    }

    /// The note text: `<origin>\n<size>\n<base64 root>\n` plus extension lines.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            hash_to_base64(&self.root)
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Log identity.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Merkle tree hash at `size`.
    pub fn root(&self) -> &Hash {
        &self.root
    }

    /// Extension lines, in order.
    pub fn extensions(&self) -> &[String] {
        &self.extensions
    }

    /// An unsigned note holding this checkpoint.
    pub fn to_note(&self) -> Result<Note, CheckpointError> {
        Ok(Note::new(self.to_text())?)
    }

    /// Signs the checkpoint with every signer (e.g. the log's Ed25519 key and its SM2 key).
    pub fn sign(&self, signers: &[&dyn NoteSigner]) -> Result<Note, CheckpointError> {
        let mut note = self.to_note()?;
        for s in signers {
            note.sign(*s)?;
        }
        Ok(note)
    }
}

/// A checkpoint whose note verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: VerifiedNote,
}

/// Parses and verifies a signed checkpoint with the given keys.
pub fn open_checkpoint(
    bytes: &[u8],
    verifiers: &[&dyn NoteVerifier],
) -> Result<OpenedCheckpoint, CheckpointError> {
    let note = Note::parse(bytes)?;
    let checkpoint = Checkpoint::parse_text(note.text())?;
    let note = note.verify(verifiers)?;
    Ok(OpenedCheckpoint { checkpoint, note })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Ed25519Signer;
    use proptest::prelude::*;

    const SPEC_TEXT: &str =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

    #[test]
    fn spec_example_body_parses_and_round_trips() {
        let cp = Checkpoint::parse_text(SPEC_TEXT).unwrap();
        assert_eq!(cp.origin(), "example.com/behind-the-sofa");
        assert_eq!(cp.size(), 20_852_163);
        assert_eq!(
            hash_to_base64(cp.root()),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
        );
        assert!(cp.extensions().is_empty());
        assert_eq!(cp.to_text(), SPEC_TEXT);
    }

    #[test]
    fn extension_lines_are_kept_in_order() {
        let text = format!("{SPEC_TEXT}ext one\next two\n");
        let cp = Checkpoint::parse_text(&text).unwrap();
        assert_eq!(cp.extensions(), ["ext one", "ext two"]);
        assert_eq!(cp.to_text(), text);
    }

    #[test]
    fn malformed_bodies_get_typed_errors() {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
        let cases = [
            ("o\n1\n".to_owned(), CheckpointError::TooFewLines),
            (format!("\n1\n{root}\n"), CheckpointError::BadOrigin),
            (format!("o\n01\n{root}\n"), CheckpointError::BadSize),
            (format!("o\n+1\n{root}\n"), CheckpointError::BadSize),
            (format!("o\n-1\n{root}\n"), CheckpointError::BadSize),
            (format!("o\n1 \n{root}\n"), CheckpointError::BadSize),
            (
                format!("o\n18446744073709551616\n{root}\n"),
                CheckpointError::BadSize,
            ),
            ("o\n1\nAAAA\n".to_owned(), CheckpointError::BadRoot),
            (format!("o\n1\n{root} \n"), CheckpointError::BadRoot),
            (format!("o\n1\n{root}\n\n"), CheckpointError::BadExtension),
            (
                format!("o\n1\n{root}"),
                CheckpointError::Note(NoteError::BadText),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Checkpoint::parse_text(&text), Err(want), "{text:?}");
        }
        // A wrong empty-tree root parses; verifiers judge it (see witness).
        assert_eq!(
            Checkpoint::parse_text(&format!("o\n0\n{root}\n"))
                .unwrap()
                .size(),
            0
        );
        assert_eq!(
            Checkpoint::new("o", 0, [1; 32]),
            Err(CheckpointError::BadEmptyRoot)
        );
        let empty = format!("o\n0\n{}\n", hash_to_base64(&EMPTY_ROOT));
        assert_eq!(Checkpoint::parse_text(&empty).unwrap().size(), 0);
        assert_eq!(
            Checkpoint::parse_text(
                "o\n18446744073709551615\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
            )
            .unwrap()
            .size(),
            u64::MAX
        );
    }

    #[test]
    fn signed_checkpoint_opens_with_the_log_key_only() {
        let log = Ed25519Signer::from_seed("example.com/log", &[5; 32]).unwrap();
        let cp = Checkpoint::new("example.com/log", 3, [9; 32]).unwrap();
        let note = cp.sign(&[&log]).unwrap().to_text();
        let opened = open_checkpoint(note.as_bytes(), &[&log.verifier()]).unwrap();
        assert_eq!(opened.checkpoint, cp);
        let other = Ed25519Signer::from_seed("example.com/log", &[6; 32]).unwrap();
        assert!(open_checkpoint(note.as_bytes(), &[&other.verifier()]).is_err());
    }

    proptest! {
        #[test]
        fn checkpoints_round_trip(origin in "[a-z./0-9]{1,30}", size in 1u64.., root in any::<[u8; 32]>()) {
            let cp = Checkpoint::new(&origin, size, root).unwrap();
            prop_assert_eq!(Checkpoint::parse_text(&cp.to_text()), Ok(cp));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,120}") {
            let _ = Checkpoint::parse_text(&text);
        }
    }
}
