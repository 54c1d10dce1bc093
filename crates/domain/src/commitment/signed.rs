//! The commitment as the applicant signs it and the receipt keeps it: its own module because the
//! receipt (`case::event`) holds it while `commitment` reads cases (a type two modules need sits in
//! a small module both import).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::catalog::TimeLimit;

/// The commitment an applicant signs for `item`: the conditions told, the commitment that
/// they are met, the verification and the consequence of a false commitment.
#[must_use]
pub fn text_zh(item_name: &str, verify_within: TimeLimit, source: &str) -> String {
    format!(
        "告知承诺书（{item_name}）\n\
         行政机关告知：本事项实行告知承诺制（{source}）。申请人书面承诺符合许可条件的，行政机关当场作出准予行政许可的决定；\
         准予许可后{within}内，由主管部门对承诺内容进行核查。\n\
         申请人承诺：一、已经知晓行政机关告知的全部内容，包括许可条件、标准、要求和应当提交的材料；\
         二、自身已经符合上述条件、标准和要求，所提交的材料和所作陈述真实、准确、完整；\
         三、愿意接受行政机关和主管部门的核查，并予以配合；\
         四、承诺不实的，愿意承担行政许可被依法撤销（《中华人民共和国行政许可法》第六十九条第二款）、记入信用记录等法律责任。",
        within = verify_within.to_zh()
    )
}

/// The commitment as signed, kept in the receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCommitment {
    /// The text the applicant accepted (the item's wording, [`text_zh`]).
    pub text: String,
    /// Hex SHA-256 of `text` (quoted by the sealed decision).
    pub text_sha256: String,
    /// How long after the grant the department has to verify it.
    pub verify_within: TimeLimit,
    /// The provision that puts the item under the regime.
    pub source: String,
    /// When the applicant signed (the receipt's time).
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
}
