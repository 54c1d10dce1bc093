//! Two settings of an item beside its law (issue #21 item 10): whether the item's law lets the
//! bureau decide on the spot (Art. 34(2)), and the bureau's own review policy.
//!
//! Art. 34(2): "申请人提交的申请材料齐全、符合法定形式，行政机关能够当场作出决定的，应当当场作出
//! 书面的行政许可决定". Where an item can be decided that way (the special law says so, e.g.
//! 《市场主体登记管理条例》第十九条 "予以确认并当场登记"), making the applicant wait for two
//! reviewers and a second official is stricter than the law. The setting is law and so carries
//! its source ([`OnTheSpot`]).
//!
//! Two substantive reviewers and an approver other than the accepting clerk are the bureau's
//! internal control (岗位分离), not a rule of the Licensing Law: Art. 34(3) asks for two staff
//! only for a verification of the substance (核查), not for every review. They are item
//! *policy* ([`ReviewPolicy`]), on by default as before, and the rules and the desk call them
//! policy, not law.

use serde::{Deserialize, Serialize};

/// The citation of the Licensing Law's on-the-spot rule.
pub const ON_THE_SPOT_ARTICLE: &str = "《行政许可法》第三十四条第二款";

/// The item may be decided on the spot when the materials are complete and in legal form
/// (Art. 34(2)); `source` is the provision that makes the item one that can be.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OnTheSpot {
    /// E.g. `《中华人民共和国市场主体登记管理条例》第十九条`.
    pub source: String,
}

impl OnTheSpot {
    /// The interchange cell: `yes|source`.
    #[must_use]
    pub fn code(&self) -> String {
        "yes".to_owned()
    }
}

/// The bureau's review policy for an item: not law, so switchable per item. Both on by
/// default (the rules before issue #21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewPolicy {
    /// At least two distinct staff review the substance before a decision.
    pub two_reviewers: bool,
    /// The clerk who accepted a case may not decide it.
    pub separate_acceptor: bool,
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        Self {
            two_reviewers: true,
            separate_acceptor: true,
        }
    }
}

impl ReviewPolicy {
    /// Whether this is the default policy (left out of the JSON, so snapshots recorded before
    /// the setting existed serialize to the same bytes).
    #[must_use]
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// The interchange cell: empty for the default, `none`, or the flags that are on joined by
    /// `;` (`two_reviewers`, `separate_acceptor`).
    #[must_use]
    pub fn code(&self) -> String {
        if self.is_default() {
            return String::new();
        }
        let mut on = Vec::new();
        if self.two_reviewers {
            on.push("two_reviewers");
        }
        if self.separate_acceptor {
            on.push("separate_acceptor");
        }
        if on.is_empty() {
            "none".to_owned()
        } else {
            on.join(";")
        }
    }

    /// Parses [`Self::code`]'s text (an empty cell is the default).
    ///
    /// # Errors
    /// An unknown flag, with the text.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Self::default());
        }
        let mut p = Self {
            two_reviewers: false,
            separate_acceptor: false,
        };
        if s == "none" {
            return Ok(p);
        }
        for flag in s.split(';').map(str::trim) {
            match flag {
                "two_reviewers" => p.two_reviewers = true,
                "separate_acceptor" => p.separate_acceptor = true,
                other => return Err(other.to_owned()),
            }
        }
        Ok(p)
    }

    /// Chinese lines for the catalog page: each policy, marked as the bureau's, not the law's.
    #[must_use]
    pub fn lines_zh(&self) -> Vec<(String, String)> {
        let on_off = |b: bool| if b { "是" } else { "否" };
        vec![
            (
                format!("两名以上工作人员实质审查：{}", on_off(self.two_reviewers)),
                "本局审批制度（非法定要求）".to_owned(),
            ),
            (
                format!("受理人与审批人分设：{}", on_off(self.separate_acceptor)),
                "本局审批制度（非法定要求）".to_owned(),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn art34_review_policy_defaults_on_and_round_trips() {
        let d = ReviewPolicy::default();
        assert!(d.two_reviewers && d.separate_acceptor && d.is_default());
        assert_eq!(d.code(), "");
        for text in ["none", "two_reviewers", "separate_acceptor"] {
            let p = ReviewPolicy::parse(text).unwrap();
            assert_eq!(p.code(), text);
        }
        assert_eq!(
            ReviewPolicy::parse("two_reviewers;separate_acceptor").unwrap(),
            d
        );
        assert_eq!(ReviewPolicy::parse("three").unwrap_err(), "three");
    }
}
