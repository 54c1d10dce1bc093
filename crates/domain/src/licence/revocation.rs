//! 撤销 (Art. 69): the ground of a revocation and whether the holder is owed compensation.
//!
//! Art. 69 para 1 lets the bureau (or its superior) revoke a licence granted unlawfully by the
//! bureau's own fault, items (1)–(5); para 2 requires revocation of a licence obtained by
//! deception or bribery. Para 4: a revocation under para 1 that harms the holder's lawful rights
//! is compensated; one under para 2 creates no reliance interest and is not compensated.

use serde::{Deserialize, Serialize};

/// The ground of a revocation (Art. 69).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationGround {
    /// 69(1)(1): 滥用职权、玩忽职守.
    AbuseOfPower,
    /// 69(1)(2): 超越法定职权.
    BeyondPower,
    /// 69(1)(3): 违反法定程序.
    ProcedureViolated,
    /// 69(1)(4): granted to an applicant without standing or not meeting the conditions.
    UnqualifiedApplicant,
    /// 69(1)(5): another case in which the law allows revocation.
    OtherUnlawful,
    /// 69 para 2: obtained by deception (欺骗).
    Deception,
    /// 69 para 2: obtained by bribery (贿赂).
    Bribery,
    /// 69 para 2: obtained by a false 告知承诺 (a deception, issue #19 item 5): the supervising
    /// department found the commitment untrue after the grant (`crate::commitment`).
    FalseCommitment,
}

impl RevocationGround {
    pub const ALL: [RevocationGround; 8] = [
        RevocationGround::AbuseOfPower,
        RevocationGround::BeyondPower,
        RevocationGround::ProcedureViolated,
        RevocationGround::UnqualifiedApplicant,
        RevocationGround::OtherUnlawful,
        RevocationGround::Deception,
        RevocationGround::Bribery,
        RevocationGround::FalseCommitment,
    ];

    /// Para 2: the holder obtained the licence by deception or bribery.
    #[must_use]
    pub const fn is_fraud(self) -> bool {
        matches!(
            self,
            RevocationGround::Deception
                | RevocationGround::Bribery
                | RevocationGround::FalseCommitment
        )
    }

    /// Art. 69 para 4: owed under para 1 when the holder's lawful rights are harmed; never
    /// under para 2.
    #[must_use]
    pub const fn compensation_owed(self, rights_harmed: bool) -> bool {
        !self.is_fraud() && rights_harmed
    }

    pub fn code(self) -> &'static str {
        match self {
            RevocationGround::AbuseOfPower => "abuse_of_power",
            RevocationGround::BeyondPower => "beyond_power",
            RevocationGround::ProcedureViolated => "procedure_violated",
            RevocationGround::UnqualifiedApplicant => "unqualified_applicant",
            RevocationGround::OtherUnlawful => "other_unlawful",
            RevocationGround::Deception => "deception",
            RevocationGround::Bribery => "bribery",
            RevocationGround::FalseCommitment => "false_commitment",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RevocationGround::AbuseOfPower => {
                "滥用职权、玩忽职守作出准予行政许可决定（第六十九条第一款第一项）"
            }
            RevocationGround::BeyondPower => {
                "超越法定职权作出准予行政许可决定（第六十九条第一款第二项）"
            }
            RevocationGround::ProcedureViolated => {
                "违反法定程序作出准予行政许可决定（第六十九条第一款第三项）"
            }
            RevocationGround::UnqualifiedApplicant => {
                "对不具备申请资格或者不符合法定条件的申请人准予行政许可（第六十九条第一款第四项）"
            }
            RevocationGround::OtherUnlawful => {
                "依法可以撤销行政许可的其他情形（第六十九条第一款第五项）"
            }
            RevocationGround::Deception => "被许可人以欺骗手段取得行政许可（第六十九条第二款）",
            RevocationGround::Bribery => "被许可人以贿赂手段取得行政许可（第六十九条第二款）",
            RevocationGround::FalseCommitment => {
                "被许可人以不实承诺（告知承诺制）取得行政许可（第六十九条第二款）"
            }
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == s)
    }
}

/// The ground a revocation command names: `ground` as given (it must agree with `fraud` when
/// that is set), else para 2 (deception) for `fraud` and 69(1)(5) otherwise, as commands written
/// before grounds existed meant.
///
/// `None` for `fraud` with a para 1 ground (a contradiction the caller refuses).
#[must_use]
pub fn ground_of(ground: Option<RevocationGround>, fraud: bool) -> Option<RevocationGround> {
    match ground {
        Some(g) if fraud && !g.is_fraud() => None,
        Some(g) => Some(g),
        None if fraud => Some(RevocationGround::Deception),
        None => Some(RevocationGround::OtherUnlawful),
    }
}
