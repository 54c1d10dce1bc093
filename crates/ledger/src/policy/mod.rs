//! tlog-policy: which logs and witnesses a verifier trusts, and the quorum of cosignatures a
//! checkpoint needs (e.g. "2 of 3 departments"). Verifiers of receipts, monitors and the server's
//! own checkpointer all read the same file.

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::checkpoint::{Checkpoint, CheckpointError, parse_decimal};
use crate::cosignature::{CosignatureVerifier, cosignature_time};
use crate::note::{
    Ed25519Verifier, Note, NoteError, NoteVerifier, SIG_TYPE_COSIGNATURE_V1, SIG_TYPE_ED25519,
    VerifiedNote, VerifierKey, VkeyError,
};

/// The predefined name of the empty quorum.
pub const NONE: &str = "none";
/// Most logs, witnesses and groups (each) a policy may define; the spec asks for at least 32.
/// The bound also bounds the depth of group nesting.
pub const MAX_ENTRIES: usize = 256;

/// A policy file that does not parse, or a checkpoint that does not satisfy a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("policy has a forbidden control character")]
    BadCharacter,
    #[error("policy is not UTF-8 (non-UTF-8 names are not supported)")]
    NotUtf8,
    #[error("line {line}: {reason}")]
    Syntax { line: usize, reason: &'static str },
    #[error("line {line}: bad key: {source}")]
    Key { line: usize, source: VkeyError },
    #[error("line {line}: name {name:?} is already defined")]
    DuplicateName { line: usize, name: String },
    #[error("line {line}: name {name:?} is not defined on an earlier line")]
    UndefinedName { line: usize, name: String },
    #[error("line {line}: {name:?} is already a member of a group")]
    MemberReused { line: usize, name: String },
    #[error("line {line}: the same public key is listed twice")]
    DuplicateKey { line: usize },
    #[error("policy has no quorum line")]
    NoQuorum,
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error("checkpoint is not signed by a policy log whose key name is its origin")]
    NoLogSignature,
    #[error("checkpoint cosignatures do not satisfy the quorum")]
    QuorumNotMet,
}

/// A trusted log (key type 0x01; its key name is its origin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLog {
    pub key: VerifierKey,
    pub url: Option<String>,
    verifier: Ed25519Verifier,
}

/// A trusted witness (key type 0x04) under a policy-local name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyWitness {
    pub name: String,
    pub key: VerifierKey,
    pub url: Option<String>,
    verifier: CosignatureVerifier,
}

/// A group that witnesses a checkpoint when at least `threshold` of its members do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyGroup {
    pub name: String,
    pub threshold: usize,
    pub members: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entity {
    Witness(usize),
    Group(usize),
}

/// A parsed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<PolicyGroup>,
    names: BTreeMap<String, Entity>,
    quorum: Option<String>,
}

/// A checkpoint that satisfied a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyCheckpoint {
    pub checkpoint: Checkpoint,
    pub note: VerifiedNote,
    /// Policy names of the witnesses whose cosignature verified, with their timestamps.
    pub cosigned_by: Vec<(String, u64)>,
}

impl PolicyCheckpoint {
    /// Time of the newest verified cosignature, for freshness checks against the caller's clock.
    pub fn newest_cosignature(&self) -> Option<u64> {
        self.cosigned_by.iter().map(|(_, t)| *t).max()
    }
}

fn is_policy_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

struct Parser {
    policy: Policy,
    used_members: BTreeSet<String>,
    quorum_seen: bool,
}

impl Policy {
    /// Parses a policy file.
    pub fn parse(bytes: &[u8]) -> Result<Self, PolicyError> {
        if bytes
            .iter()
            .any(|&b| b < 0x20 && b != b'\t' && b != b'\n' || b == 0x7f)
        {
            return Err(PolicyError::BadCharacter);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| PolicyError::NotUtf8)?;
        let mut p = Parser {
            policy: Self {
                logs: Vec::new(),
                witnesses: Vec::new(),
                groups: Vec::new(),
                names: BTreeMap::new(),
                quorum: None,
            },
            used_members: BTreeSet::new(),
            quorum_seen: false,
        };
        for (i, raw) in text.split('\n').enumerate() {
            let line = raw.trim_matches(is_policy_space);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line
                .split(is_policy_space)
                .filter(|w| !w.is_empty())
                .collect();
            p.line(i + 1, &words)?;
        }
        if !p.quorum_seen {
            return Err(PolicyError::NoQuorum);
        }
        Ok(p.policy)
    }

    /// Trusted logs.
    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    /// Trusted witnesses.
    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// Witness groups, in definition order.
    pub fn groups(&self) -> &[PolicyGroup] {
        &self.groups
    }

    /// The quorum's name, `None` for `quorum none`.
    pub fn quorum(&self) -> Option<&str> {
        self.quorum.as_deref()
    }

    /// Whether the witnesses named (policy names) in `cosigned` satisfy the quorum.
    pub fn quorum_satisfied(&self, cosigned: &BTreeSet<&str>) -> bool {
        self.quorum
            .as_deref()
            .is_none_or(|q| self.witnessed(q, cosigned))
    }

    fn witnessed(&self, name: &str, cosigned: &BTreeSet<&str>) -> bool {
        match self.names.get(name) {
            Some(Entity::Witness(_)) => cosigned.contains(name),
            Some(Entity::Group(g)) => self.groups.get(*g).is_some_and(|g| {
                let count = g
                    .members
                    .iter()
                    .filter(|m| self.witnessed(m, cosigned))
                    .count();
                count >= g.threshold
            }),
            None => false,
        }
    }

    /// Verifiers of every key in the policy (logs and witnesses).
    pub fn verifiers(&self) -> Vec<&dyn NoteVerifier> {
        let logs = self.logs.iter().map(|l| &l.verifier as &dyn NoteVerifier);
        let witnesses = self
            .witnesses
            .iter()
            .map(|w| &w.verifier as &dyn NoteVerifier);
        logs.chain(witnesses).collect()
    }

    /// Checks a cosigned checkpoint note: a policy log whose key name is the origin signed it,
    /// no known key's signature fails, and the verified cosignatures meet the quorum.
    pub fn verify_note(&self, note: &Note) -> Result<PolicyCheckpoint, PolicyError> {
        let checkpoint = Checkpoint::parse_text(note.text())?;
        let opened = note.verify(&self.verifiers())?;
        let log_signed = self.logs.iter().any(|l| {
            l.key.name() == checkpoint.origin() && opened.is_signed_by(l.key.name(), l.key.key_id())
        });
        if !log_signed {
            return Err(PolicyError::NoLogSignature);
        }
        let cosigned_by: Vec<(String, u64)> = self
            .witnesses
            .iter()
            .filter_map(|w| {
                opened
                    .verified
                    .iter()
                    .find(|s| s.name == w.key.name() && s.key_id == w.key.key_id())
                    .and_then(cosignature_time)
                    .map(|t| (w.name.clone(), t))
            })
            .collect();
        let names: BTreeSet<&str> = cosigned_by.iter().map(|(n, _)| n.as_str()).collect();
        if !self.quorum_satisfied(&names) {
            return Err(PolicyError::QuorumNotMet);
        }
        Ok(PolicyCheckpoint {
            checkpoint,
            note: opened,
            cosigned_by,
        })
    }

    /// [`Policy::verify_note`] on the note's bytes.
    pub fn verify_checkpoint(&self, bytes: &[u8]) -> Result<PolicyCheckpoint, PolicyError> {
        self.verify_note(&Note::parse(bytes)?)
    }
}

impl Parser {
    fn line(&mut self, line: usize, words: &[&str]) -> Result<(), PolicyError> {
        let syntax = |reason| PolicyError::Syntax { line, reason };
        let p = &self.policy;
        if [p.logs.len(), p.witnesses.len(), p.groups.len()]
            .iter()
            .any(|n| *n >= MAX_ENTRIES)
        {
            return Err(syntax("policy defines too many logs, witnesses or groups"));
        }
        match words {
            ["log", key, rest @ ..] if rest.len() <= 1 => self.log(line, key, rest.first()),
            ["log", ..] => Err(syntax("expected `log <vkey> [<url>]`")),
            ["witness", name, key, rest @ ..] if rest.len() <= 1 => {
                self.witness(line, name, key, rest.first())
            }
            ["witness", ..] => Err(syntax("expected `witness <name> <vkey> [<url>]`")),
            ["group", name, k, members @ ..] if !members.is_empty() => {
                self.group(line, name, k, members)
            }
            ["group", ..] => Err(syntax("expected `group <name> <k|all|any> <name>...`")),
            ["quorum", name] => self.quorum(line, name),
            ["quorum", ..] => Err(syntax("expected `quorum <name>`")),
            _ => Err(syntax("unknown keyword")),
        }
    }

    fn key(line: usize, text: &str, sig_type: u8) -> Result<VerifierKey, PolicyError> {
        let key = VerifierKey::parse(text).map_err(|source| PolicyError::Key { line, source })?;
        if key.sig_type() != sig_type {
            return Err(PolicyError::Key {
                line,
                source: VkeyError::UnsupportedType(key.sig_type()),
            });
        }
        Ok(key)
    }

    fn log(&mut self, line: usize, key: &str, url: Option<&&str>) -> Result<(), PolicyError> {
        let key = Self::key(line, key, SIG_TYPE_ED25519)?;
        if self
            .policy
            .logs
            .iter()
            .any(|l| l.key.public_key() == key.public_key())
        {
            return Err(PolicyError::DuplicateKey { line });
        }
        let verifier = Ed25519Verifier::from_verifier_key(&key)
            .map_err(|source| PolicyError::Key { line, source })?;
        self.policy.logs.push(PolicyLog {
            key,
            url: url.map(|u| (*u).to_owned()),
            verifier,
        });
        Ok(())
    }

    fn define(&mut self, line: usize, name: &str, entity: Entity) -> Result<(), PolicyError> {
        if name == NONE || self.policy.names.contains_key(name) {
            return Err(PolicyError::DuplicateName {
                line,
                name: name.to_owned(),
            });
        }
        self.policy.names.insert(name.to_owned(), entity);
        Ok(())
    }

    fn witness(
        &mut self,
        line: usize,
        name: &str,
        key: &str,
        url: Option<&&str>,
    ) -> Result<(), PolicyError> {
        let key = Self::key(line, key, SIG_TYPE_COSIGNATURE_V1)?;
        if self
            .policy
            .witnesses
            .iter()
            .any(|w| w.key.public_key() == key.public_key())
        {
            return Err(PolicyError::DuplicateKey { line });
        }
        let verifier = CosignatureVerifier::from_verifier_key(&key)
            .map_err(|source| PolicyError::Key { line, source })?;
        self.define(line, name, Entity::Witness(self.policy.witnesses.len()))?;
        self.policy.witnesses.push(PolicyWitness {
            name: name.to_owned(),
            key,
            url: url.map(|u| (*u).to_owned()),
            verifier,
        });
        Ok(())
    }

    fn group(
        &mut self,
        line: usize,
        name: &str,
        k: &str,
        members: &[&str],
    ) -> Result<(), PolicyError> {
        let n = members.len();
        let threshold = match k {
            "all" => n,
            "any" => 1,
            _ => parse_decimal(k)
                .and_then(|k| usize::try_from(k).ok())
                .filter(|k| (1..=n).contains(k))
                .ok_or(PolicyError::Syntax {
                    line,
                    reason: "group threshold must be all, any or 1..=n",
                })?,
        };
        for m in members {
            if !self.policy.names.contains_key(*m) {
                return Err(PolicyError::UndefinedName {
                    line,
                    name: (*m).to_owned(),
                });
            }
            if !self.used_members.insert((*m).to_owned()) {
                return Err(PolicyError::MemberReused {
                    line,
                    name: (*m).to_owned(),
                });
            }
        }
        self.define(line, name, Entity::Group(self.policy.groups.len()))?;
        self.policy.groups.push(PolicyGroup {
            name: name.to_owned(),
            threshold,
            members: members.iter().map(|m| (*m).to_owned()).collect(),
        });
        Ok(())
    }

    fn quorum(&mut self, line: usize, name: &str) -> Result<(), PolicyError> {
        if self.quorum_seen {
            return Err(PolicyError::Syntax {
                line,
                reason: "only one quorum line is allowed",
            });
        }
        if name != NONE && !self.policy.names.contains_key(name) {
            return Err(PolicyError::UndefinedName {
                line,
                name: name.to_owned(),
            });
        }
        self.quorum_seen = true;
        self.policy.quorum = (name != NONE).then(|| name.to_owned());
        Ok(())
    }
}
