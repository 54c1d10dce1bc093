//! Art. 70's grounds for cancellation (注销), apart from the licence's events and commands
//! because they are a closed list with its own words and codes (like [`super::revocation`]).

use serde::{Deserialize, Serialize};

/// Art. 70's grounds for cancellation, and the holder's own application where the item allows
/// it. New grounds are only ever added (old logs name the first five).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// Art. 70(1): the term expired and was not renewed.
    Expired,
    /// Art. 70(2): the natural person holding it died.
    HolderDied,
    /// Art. 70(3): the legal person or organisation was dissolved (终止).
    OrganisationTerminated,
    /// Art. 70(4): withdrawn, revoked (撤销) or penalty-revoked (吊销).
    WithdrawnRevokedOrPenalised,
    /// Art. 70(5): force majeure made the licensed matter impossible.
    ForceMajeure,
    /// Art. 70(2): the natural person holding it lost capacity (丧失行为能力).
    LossOfCapacity,
    /// Art. 70(6): another ground a law or regulation provides.
    OtherStatutory,
    /// The holder applied for cancellation, where the item allows it (a case, never typed).
    HolderApplication,
}

impl CancelReason {
    /// Every ground, in the order of Art. 70.
    pub const ALL: [CancelReason; 8] = [
        CancelReason::Expired,
        CancelReason::HolderDied,
        CancelReason::LossOfCapacity,
        CancelReason::OrganisationTerminated,
        CancelReason::WithdrawnRevokedOrPenalised,
        CancelReason::ForceMajeure,
        CancelReason::OtherStatutory,
        CancelReason::HolderApplication,
    ];

    /// The ground in the words of Art. 70, with its item.
    pub fn name_zh(self) -> &'static str {
        match self {
            CancelReason::Expired => "有效期届满未延续（第七十条第一项）",
            CancelReason::HolderDied => "自然人死亡（第七十条第二项）",
            CancelReason::LossOfCapacity => "自然人丧失行为能力（第七十条第二项）",
            CancelReason::OrganisationTerminated => "法人或者其他组织依法终止（第七十条第三项）",
            CancelReason::WithdrawnRevokedOrPenalised => {
                "被依法撤销、撤回或者吊销（第七十条第四项）"
            }
            CancelReason::ForceMajeure => "因不可抗力导致无法实施（第七十条第五项）",
            CancelReason::OtherStatutory => "法律、法规规定的其他情形（第七十条第六项）",
            CancelReason::HolderApplication => "被许可人申请注销",
        }
    }

    /// The snake_case code the API uses.
    pub fn code(self) -> &'static str {
        match self {
            CancelReason::Expired => "expired",
            CancelReason::HolderDied => "holder_died",
            CancelReason::LossOfCapacity => "loss_of_capacity",
            CancelReason::OrganisationTerminated => "organisation_terminated",
            CancelReason::WithdrawnRevokedOrPenalised => "withdrawn_revoked_or_penalised",
            CancelReason::ForceMajeure => "force_majeure",
            CancelReason::OtherStatutory => "other_statutory",
            CancelReason::HolderApplication => "holder_application",
        }
    }
}
