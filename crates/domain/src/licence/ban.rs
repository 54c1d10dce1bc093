//! The bans of Art. 78–79 on applying again for an item that bears directly on public safety,
//! health, or the safety of life and property (a flag of the item's legal settings):
//!
//! * Art. 78: an application with concealed facts or false materials, not accepted or refused,
//!   bars the applicant from applying for that licence for one year;
//! * Art. 79: a licence obtained by deception or bribery and revoked (Art. 69 para 2) bars
//!   the holder for three years.
//!
//! Pure: the service records a [`Ban`] (the applicant's identifier stays private) and asks
//! [`Ban::bars`] at intake.

use serde::{Deserialize, Serialize};
use time::Date;

use super::add_years;

/// Which article imposes the ban.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BanArticle {
    /// Art. 78: one year after concealed facts or false materials.
    Art78,
    /// Art. 79: three years after a licence obtained by deception or bribery is revoked.
    Art79,
}

impl BanArticle {
    #[must_use]
    pub const fn years(self) -> i32 {
        match self {
            BanArticle::Art78 => 1,
            BanArticle::Art79 => 3,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            BanArticle::Art78 => "art78",
            BanArticle::Art79 => "art79",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [BanArticle::Art78, BanArticle::Art79]
            .into_iter()
            .find(|a| a.code() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            BanArticle::Art78 => "隐瞒有关情况或者提供虚假材料申请行政许可（行政许可法第七十八条）",
            BanArticle::Art79 => {
                "以欺骗、贿赂等不正当手段取得行政许可被撤销（行政许可法第七十九条）"
            }
        }
    }
}

/// A ban on applying for one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    pub article: BanArticle,
    pub item_code: String,
    /// The day of the refusal, non-acceptance or revocation.
    #[serde(with = "crate::calendar::iso_date")]
    pub since: Date,
    /// The first day the applicant may apply again.
    #[serde(with = "crate::calendar::iso_date")]
    pub until: Date,
}

impl Ban {
    /// The ban `article` imposes from `since` on applying for `item_code`.
    #[must_use]
    pub fn new(article: BanArticle, item_code: impl Into<String>, since: Date) -> Self {
        Self {
            article,
            item_code: item_code.into(),
            since,
            until: add_years(since, article.years()),
        }
    }

    /// Whether the ban stops an application for `item_code` received on `today`
    /// ("一年内" / "三年内": until the same day one or three years later).
    #[must_use]
    pub fn bars(&self, item_code: &str, today: Date) -> bool {
        self.item_code == item_code && today >= self.since && today < self.until
    }

    /// The applicant's message: why, and from when an application is received again.
    #[must_use]
    pub fn message_zh(&self) -> String {
        format!(
            "申请人因{}，{}前不得再次申请该行政许可",
            self.article.name_zh(),
            self.until
        )
    }
}
