//! 实施编码: who implements an item (USCC), at which level, and which basic item it is.
//!
//! Apart from the other codes in `code.rs` because it embeds a USCC, and `uscc.rs` builds on the
//! checks in `code.rs`: here the two meet without either importing the other.

use super::code::{BasicCode, CodeError, CodeKind, check_chars, string_code};
use super::dict::ExerciseLevel;
use super::uscc::UnifiedSocialCreditCode;

/// 实施编码: who implements an item (USCC), at which level, and which basic item it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ImplementationCode(String);

impl ImplementationCode {
    pub const LEN: usize = UnifiedSocialCreditCode::LEN + 1 + BasicCode::LEN;

    /// Composes the code; infallible because every part is already valid.
    pub fn new(
        implementer: &UnifiedSocialCreditCode,
        level: ExerciseLevel,
        basic: &BasicCode,
    ) -> Self {
        Self(format!(
            "{}{}{}",
            implementer.as_str(),
            level.code(),
            basic.as_str()
        ))
    }

    pub fn parse(s: &str) -> Result<Self, CodeError> {
        // ASCII first, so the splits below fall on character boundaries.
        check_chars(
            CodeKind::Implementation,
            s,
            Self::LEN,
            "31",
            "0-9 A-Z",
            |_, c| c.is_ascii_alphanumeric(),
        )?;
        let (uscc, rest) = s.split_at(UnifiedSocialCreditCode::LEN);
        let (level, basic) = rest.split_at(1);
        UnifiedSocialCreditCode::parse(uscc)?;
        if ExerciseLevel::from_code(level).is_none() {
            return Err(CodeError::Character {
                kind: CodeKind::Implementation,
                position: UnifiedSocialCreditCode::LEN + 1,
                found: level.chars().next().unwrap_or('?'),
                allowed: "1-6",
            });
        }
        BasicCode::parse(basic)
            .map_err(|e| shift_basic_error(e, UnifiedSocialCreditCode::LEN + 1))?;
        Ok(Self(s.to_owned()))
    }

    pub fn implementer(&self) -> UnifiedSocialCreditCode {
        // The first 18 characters were checked as a USCC by `parse` or built from one by `new`.
        UnifiedSocialCreditCode::from_checked(self.0.get(..18).unwrap_or_default())
    }

    pub fn level(&self) -> ExerciseLevel {
        self.0
            .get(18..19)
            .and_then(ExerciseLevel::from_code)
            .unwrap_or(ExerciseLevel::City)
    }

    pub fn basic_code(&self) -> BasicCode {
        BasicCode(self.0.get(19..).unwrap_or_default().to_owned())
    }
}

/// Reports a bad character of the embedded basic code at its position in the whole code.
fn shift_basic_error(e: CodeError, offset: usize) -> CodeError {
    match e {
        CodeError::Character {
            position,
            found,
            allowed,
            ..
        } => CodeError::Character {
            kind: CodeKind::Implementation,
            position: position + offset,
            found,
            allowed,
        },
        other => other,
    }
}

string_code!(ImplementationCode);
