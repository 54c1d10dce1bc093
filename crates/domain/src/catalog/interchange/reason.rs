//! A rejection reason in both languages, built from the parsers' own typed errors.

use super::super::code::CodeError;
use super::super::dict::DictionaryError;
use super::super::limit::TimeLimitError;
use super::super::problem::ItemProblem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reason {
    pub(crate) en: String,
    pub(crate) zh: String,
}

impl Reason {
    pub(crate) fn new(en: impl Into<String>, zh: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// Prefixes the reason with the 1-based list entry it concerns.
    pub(crate) fn in_entry(self, index: usize) -> Self {
        Self {
            en: format!("entry {}: {}", index + 1, self.en),
            zh: format!("第{}项：{}", index + 1, self.zh),
        }
    }
}

impl From<CodeError> for Reason {
    fn from(e: CodeError) -> Self {
        Self::new(e.to_string(), e.reason_zh())
    }
}

impl From<DictionaryError> for Reason {
    fn from(e: DictionaryError) -> Self {
        Self::new(e.to_string(), e.reason_zh())
    }
}

impl From<TimeLimitError> for Reason {
    fn from(e: TimeLimitError) -> Self {
        Self::new(e.to_string(), e.reason_zh())
    }
}

impl From<&ItemProblem> for Reason {
    fn from(p: &ItemProblem) -> Self {
        Self::new(p.to_string(), p.reason_zh())
    }
}
