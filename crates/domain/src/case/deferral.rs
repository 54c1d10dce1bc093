//! 容缺受理 (issue #19 item 6, issue #21 item 11): acceptance with non-key materials to follow.
//!
//! The reform's rule, as the bureau applies it: for an item on the list (`catalog::deferrable`,
//! pinned into the case at receipt), a clerk may accept an application whose key materials are
//! complete while listed non-key ones are missing, when the applicant commits in writing to
//! supply them by an agreed date (at most [`MAX_DEFERRAL_DAYS`] days ahead). The acceptance
//! voucher lists them and the date. Review and the decision go on as usual; a grant may be
//! decided, but its licence is held (not issued, not delivered) until every deferred material is
//! received and checked by a clerk, and is issued then. A rule (`deferred_materials`) tells the
//! accepting clerk once the agreed date has passed with materials still owed.
//!
//! 容缺 at the decision (approving with materials owed) is refused: it is no legal path
//! (`CaseError::DeferredMaterialsAtDecision`).
//!
//! One event kind, `deferral`, with two acts: `accept` (recorded just before the `accepted`
//! event the same command records) and `receive`. Only catalog material names and dates are in
//! them, so the timeline and the public progress may show them.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::calendar::iso_date;
use crate::org::StaffId;

use super::command::{CaseContext, Command};
use super::error::CaseError;
use super::event::{CaseEvent, Decision, MaterialRef};
use super::state::Case;

/// The latest agreed date, in calendar days after acceptance: the bureau's limit, so a hold
/// never outlasts the decision by long (the general limit is 20 working days).
pub const MAX_DEFERRAL_DAYS: i64 = 30;

/// One act of 容缺受理: the `act` of the command body (`{"action": "deferral", "act": …}`)
/// and of the recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum DeferralAct {
    /// 容缺受理: accept now, the listed `materials` to follow by `due` (clerk).
    Accept {
        /// Names from the item's list of materials that may follow.
        materials: Vec<String>,
        /// The date the applicant committed to.
        #[serde(with = "iso_date")]
        due: Date,
    },
    /// 收到容缺材料: deferred materials received and checked (clerk).
    Receive {
        /// The documents, each named as the material it supplies.
        materials: Vec<MaterialRef>,
    },
}

/// The recorded act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeferralEvent {
    /// Clerk.
    pub by: StaffId,
    /// Date.
    #[serde(with = "iso_date")]
    pub on: Date,
    /// The act.
    #[serde(flatten)]
    pub act: DeferralAct,
}

/// The deferral as the case keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferral {
    /// Clerk who accepted.
    pub by: StaffId,
    /// Acceptance day.
    pub agreed_on: Date,
    /// The agreed date.
    pub due: Date,
    /// The materials agreed to follow.
    pub materials: Vec<String>,
    /// The materials received, with the day.
    pub received: Vec<(String, Date)>,
}

impl Deferral {
    /// The agreed materials not received yet, in the agreed order.
    #[must_use]
    pub fn outstanding(&self) -> Vec<&str> {
        self.materials
            .iter()
            .filter(|m| !self.received.iter().any(|(r, _)| r == *m))
            .map(String::as_str)
            .collect()
    }

    /// The day the last one arrived, once all have.
    #[must_use]
    pub fn completed_on(&self) -> Option<Date> {
        if self.outstanding().is_empty() {
            self.received.iter().map(|(_, d)| *d).max()
        } else {
            None
        }
    }

    /// Whether the agreed date has passed with materials still owed.
    #[must_use]
    pub fn overdue(&self, today: Date) -> bool {
        today > self.due && !self.outstanding().is_empty()
    }
}

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

impl From<DeferralError> for CaseError {
    fn from(e: DeferralError) -> Self {
        Self::Deferral(e)
    }
}

impl Case {
    /// The deferral agreed at acceptance, if any.
    #[must_use]
    pub fn deferral(&self) -> Option<&Deferral> {
        self.deferral.as_ref()
    }

    /// Whether the case's grant waits for deferred materials: decided to grant, with materials
    /// still owed. Its licence is not issued and the decision not delivered until they arrive.
    #[must_use]
    pub fn licence_held(&self) -> bool {
        let granted = self
            .decision()
            .is_some_and(|d| !matches!(d.decision, Decision::Refuse(_)));
        granted && self.deferral().is_some_and(|d| !d.outstanding().is_empty())
    }

    /// The latest date a deferral accepted today may agree to.
    #[must_use]
    pub fn latest_deferral_due(today: Date) -> Date {
        today.saturating_add(Duration::days(MAX_DEFERRAL_DAYS))
    }

    /// The events of a 容缺 act, taken by the clerk now: the agreement and the acceptance for
    /// `accept`, the receipt for `receive`.
    pub(super) fn deferral_events(
        &self,
        act: DeferralAct,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let today = ctx.today();
        let by = ctx.actor.clone();
        let event = |act| {
            CaseEvent::Deferral(Box::new(DeferralEvent {
                by: by.clone(),
                on: today,
                act,
            }))
        };
        let events = match act {
            DeferralAct::Accept { materials, due } => {
                let accepted = self.handle(Command::Accept, ctx)?;
                if matches!(
                    accepted.first(),
                    Some(CaseEvent::Accepted { deemed: true, .. })
                ) {
                    return Err(DeferralError::Deemed.into());
                }
                let latest = Self::latest_deferral_due(today);
                if due <= today || due > latest {
                    return Err(DeferralError::DueDate {
                        from: today,
                        latest,
                    }
                    .into());
                }
                let materials = materials.iter().map(|m| m.trim().to_owned()).collect();
                let mut events = vec![event(DeferralAct::Accept { materials, due })];
                events.extend(accepted);
                events
            }
            receive @ DeferralAct::Receive { .. } => vec![event(receive)],
        };
        let mut next = self.clone();
        for e in &events {
            next.evolve(e)?;
        }
        Ok(events)
    }

    /// The fold's check of a 容缺 act (`state::deferral` records it).
    pub(super) fn check_deferral(&self, e: &DeferralEvent) -> Result<(), CaseError> {
        match &e.act {
            DeferralAct::Accept { materials, due } => {
                if self.acceptance().is_some()
                    || self.decision().is_some()
                    || self.deferral.is_some()
                {
                    return Err(CaseError::AlreadyAccepted {
                        on: self.acceptance().map_or(e.on, |a| a.on),
                        step: super::terms::CommandKind::Deferral,
                    });
                }
                if self.notice_issued_on().is_some() && self.supplement_received_on().is_none() {
                    return Err(DeferralError::SupplementOwed.into());
                }
                let listed = &self.received().item.deferrable;
                if listed.is_empty() {
                    return Err(DeferralError::NotListed.into());
                }
                if materials.is_empty()
                    || materials
                        .iter()
                        .enumerate()
                        .any(|(i, m)| materials[..i].contains(m))
                {
                    return Err(DeferralError::BadList.into());
                }
                for m in materials {
                    if !listed.contains(m) {
                        return Err(DeferralError::NotDeferrable {
                            material: m.clone(),
                        }
                        .into());
                    }
                    if self.received().materials.iter().any(|r| r.name == *m) {
                        return Err(DeferralError::AlreadyHere {
                            material: m.clone(),
                        }
                        .into());
                    }
                }
                if *due <= e.on {
                    return Err(DeferralError::DueDate {
                        from: e.on,
                        latest: Self::latest_deferral_due(e.on),
                    }
                    .into());
                }
                Ok(())
            }
            DeferralAct::Receive { materials } => {
                let refused = self
                    .decision()
                    .is_some_and(|d| matches!(d.decision, Decision::Refuse(_)));
                let outstanding = match &self.deferral {
                    Some(d) if !refused && !d.outstanding().is_empty() => d.outstanding(),
                    _ => return Err(DeferralError::NothingOwed.into()),
                };
                if materials.is_empty() {
                    return Err(CaseError::EmptyList("deferred materials"));
                }
                for m in materials {
                    if !outstanding.contains(&m.name.as_str()) {
                        return Err(DeferralError::NotOwed {
                            material: m.name.clone(),
                        }
                        .into());
                    }
                }
                Ok(())
            }
        }
    }

    /// Delivery waits while the licence is held.
    pub(super) fn check_not_held(&self) -> Result<(), CaseError> {
        match self.deferral.as_ref().filter(|_| self.licence_held()) {
            Some(d) => Err(DeferralError::LicenceHeld {
                outstanding: d.outstanding().iter().map(|s| (*s).to_owned()).collect(),
                due: d.due,
            }
            .into()),
            None => Ok(()),
        }
    }

    /// Records a 容缺 act the fold accepted; returns the timeline's words (catalog names and
    /// dates only).
    pub(super) fn record_deferral(&mut self, e: &DeferralEvent) -> String {
        match &e.act {
            DeferralAct::Accept { materials, due } => {
                self.deferral = Some(Deferral {
                    by: e.by.clone(),
                    agreed_on: e.on,
                    due: *due,
                    materials: materials.clone(),
                    received: Vec::new(),
                });
                format!(
                    "容缺受理：申请人书面承诺于{due}前补交{}项材料",
                    materials.len()
                )
            }
            DeferralAct::Receive { materials } => {
                let held = self.licence_held();
                let Some(d) = self.deferral.as_mut() else {
                    return String::new();
                };
                for m in materials {
                    if !d.received.iter().any(|(r, _)| *r == m.name) {
                        d.received.push((m.name.clone(), e.on));
                    }
                }
                let left = d.outstanding().len();
                match (left, held) {
                    (0, true) => "容缺材料已补齐，发放证照".to_owned(),
                    (0, false) => "容缺材料已补齐".to_owned(),
                    (n, _) => format!("收到容缺材料，尚缺{n}项"),
                }
            }
        }
    }
}
