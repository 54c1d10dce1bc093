//! Why a 容缺受理 act is refused, with a stable code and the reason in Chinese.
//!
//! Apart from `deferral.rs` because the case's errors carry it while the deferral's types name
//! materials by their digests, whose parsing returns the case's errors (both import this module,
//! neither the other), as with `hearing_error.rs`.

use time::Date;

/// Why a 容缺 act is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeferralError {
    /// The item is not on the list (or was not when the case was received).
    #[error("the item allows no acceptance with materials to follow")]
    NotListed,
    /// A material that may not follow (a key one, or not the item's).
    #[error("{material} may not follow after acceptance")]
    NotDeferrable {
        /// Its name.
        material: String,
    },
    /// A material already among those received.
    #[error("{material} was already received")]
    AlreadyHere {
        /// Its name.
        material: String,
    },
    /// No material named, or one named twice.
    #[error("name each material to follow once, at least one")]
    BadList,
    /// The agreed date is not after today or too far ahead.
    #[error("the agreed date must be after {from} and no later than {latest}")]
    DueDate {
        /// Acceptance day.
        from: Date,
        /// Latest allowed.
        latest: Date,
    },
    /// The notice window was missed: the application counts as accepted (Art. 32(4)) as it was.
    #[error("the application is deemed accepted (Art. 32(4)); nothing may be deferred")]
    Deemed,
    /// A supplement answering the one-time notice is still owed.
    #[error("a supplement is still owed under the one-time notice")]
    SupplementOwed,
    /// Nothing was agreed to follow, or everything has arrived.
    #[error("no deferred material is owed")]
    NothingOwed,
    /// A document named as a material that is not owed.
    #[error("{material} is not owed")]
    NotOwed {
        /// Its name.
        material: String,
    },
    /// Delivery of a grant whose licence waits for deferred materials.
    #[error("the licence is held until the deferred materials arrive: {}", .outstanding.join(", "))]
    LicenceHeld {
        /// What is still owed.
        outstanding: Vec<String>,
        /// The agreed date.
        due: Date,
    },
}

impl DeferralError {
    /// Stable machine code.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotListed => "deferral_not_listed",
            Self::NotDeferrable { .. } => "deferral_material_not_listed",
            Self::AlreadyHere { .. } => "deferral_material_received",
            Self::BadList => "deferral_bad_list",
            Self::DueDate { .. } => "deferral_due_date",
            Self::Deemed => "deferral_deemed_accepted",
            Self::SupplementOwed => "deferral_supplement_owed",
            Self::NothingOwed => "deferral_nothing_owed",
            Self::NotOwed { .. } => "deferral_not_owed",
            Self::LicenceHeld { .. } => "licence_held",
        }
    }

    /// The reason in Chinese.
    #[must_use]
    pub fn message_zh(&self) -> String {
        match self {
            Self::NotListed => {
                "该事项未列入容缺受理清单，材料不齐的应一次性告知补正（行政许可法第三十二条）"
                    .to_owned()
            }
            Self::NotDeferrable { material } => {
                format!("“{material}”不在该事项可容缺后补的材料清单内，不能容缺受理")
            }
            Self::AlreadyHere { material } => format!("“{material}”已经收到，无需容缺"),
            Self::BadList => "请列出容缺后补的材料，每项一次，至少一项".to_owned(),
            Self::DueDate { from, latest } => {
                format!("约定补交日期应在{from}之后、不晚于{latest}")
            }
            Self::Deemed => {
                "一次性告知期限已过，申请视为受理（第三十二条第四款），不能再容缺受理".to_owned()
            }
            Self::SupplementOwed => "一次性告知的补正材料尚未收到，应先收到补正材料".to_owned(),
            Self::NothingOwed => "没有尚待补交的容缺材料".to_owned(),
            Self::NotOwed { material } => format!("“{material}”不是尚待补交的容缺材料"),
            Self::LicenceHeld { outstanding, due } => format!(
                "容缺受理的材料尚未补齐（{}，约定{due}前补交），证照暂缓发放，不能送达",
                outstanding.join("、")
            ),
        }
    }
}
