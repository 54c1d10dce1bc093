//! Licences after approval (行政许可证件): what can happen to a licence and who may do it.
//!
//! Licensing Law: 变更 (change) and 延续 (renewal, applied for ≥ 30 days before expiry; deemed granted
//! when undecided at expiry, Art. 50); 撤回 (withdrawal when the law or facts change, Art. 8,
//! compensable); 撤销 (revocation for an unlawful grant, Art. 69); 吊销 (revocation as a penalty by the
//! supervising department) after which the bureau cancels; 注销 (cancellation, Art. 70). Like cases,
//! licences are event-sourced and time is a parameter.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::Date;

use crate::org::{DepartmentCode, StaffId};

/// Years a licence is valid when the catalog does not say (demo default, shown as such).
pub const DEFAULT_VALIDITY_YEARS: i32 = 5;
/// Art. 50: renewal must be applied for this many days before expiry.
pub const RENEWAL_NOTICE_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    Valid,
    Withdrawn,
    Revoked,
    PenaltyRevoked,
    Cancelled,
}

impl LicenceStatus {
    pub fn name_zh(self) -> &'static str {
        match self {
            LicenceStatus::Valid => "有效",
            LicenceStatus::Withdrawn => "已撤回",
            LicenceStatus::Revoked => "已撤销",
            LicenceStatus::PenaltyRevoked => "已吊销",
            LicenceStatus::Cancelled => "已注销",
        }
    }
}

/// Art. 70's grounds for cancellation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    Expired,
    HolderDied,
    OrganisationTerminated,
    WithdrawnRevokedOrPenalised,
    ForceMajeure,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LicenceEvent {
    Issued {
        licence_id: String,
        case_number: String,
        item_code: String,
        item_name: String,
        holder: String,
        valid_from: Date,
        valid_until: Date,
        /// Days before expiry a renewal must be applied for, where the item's law sets its own
        /// lead time (e.g. 60, 排污许可管理条例 Art. 14); absent: Art. 50's 30 (and in every
        /// licence issued before issue #21).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        renewal_lead_days: Option<u32>,
    },
    Changed {
        what: String,
        by: StaffId,
        on: Date,
    },
    RenewalApplied {
        on: Date,
    },
    Renewed {
        until: Date,
        deemed: bool,
        on: Date,
    },
    Withdrawn {
        reason: String,
        by: StaffId,
        on: Date,
    },
    Revoked {
        reason: String,
        fraud: bool,
        by: StaffId,
        on: Date,
    },
    PenaltyRevoked {
        department: DepartmentCode,
        decision_ref: String,
        on: Date,
    },
    Cancelled {
        reason: CancelReason,
        /// `None`: cancelled by operation of law after a penalty revocation (Art. 70(4)),
        /// recorded by the linkage with the department's decision as its cause.
        #[serde(default)]
        by: Option<StaffId>,
        on: Date,
    },
}

/// Fields of a licence event that may be published: codes, ids the system issued, dates, flags
/// and the holder's public label. Free text (`what`, `reason`, `decision_ref`) is not among them:
/// staff and departments type it, and it may name people.
const PUBLIC_FIELDS: &[&str] = &[
    "kind",
    "licence_id",
    "case_number",
    "item_code",
    "item_name",
    "holder",
    "valid_from",
    "valid_until",
    "until",
    "deemed",
    "fraud",
    "department",
    "by",
    "on",
];

impl LicenceEvent {
    /// What the public register and the public ledger entry show of the event.
    pub fn public_view(&self) -> serde_json::Value {
        use serde_json::Value;
        let full = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut out = serde_json::Map::new();
        if let Value::Object(map) = &full {
            for k in PUBLIC_FIELDS {
                if let Some(v) = map.get(*k) {
                    out.insert((*k).to_owned(), v.clone());
                }
            }
        }
        // A cancellation's reason is one of Art. 70's grounds (an enum), not text.
        if let LicenceEvent::Cancelled { reason, .. } = self {
            out.insert("reason".into(), serde_json::json!(reason));
        }
        Value::Object(out)
    }
}

impl LicenceEvent {
    /// [`Self::public_view`] with its dates written `YYYY-MM-DD`, for pages and the register.
    /// The public view itself keeps time's compact form: it is hashed into ledger entries and
    /// pushed to departments, and those bytes must not change.
    pub fn register_view(&self) -> serde_json::Value {
        let mut v = self.public_view();
        if let serde_json::Value::Object(map) = &mut v {
            for key in ["valid_from", "valid_until", "until", "on"] {
                if let Some(slot) = map.get_mut(key)
                    && let Some(date) = compact_date(slot)
                {
                    *slot = serde_json::Value::String(date.to_string());
                }
            }
        }
        v
    }
}

/// A date in time's compact serde form, `[year, ordinal]`.
fn compact_date(v: &serde_json::Value) -> Option<Date> {
    let [y, d] = v.as_array()?.as_slice() else {
        return None;
    };
    let year = i32::try_from(y.as_i64()?).ok()?;
    let ordinal = u16::try_from(d.as_u64()?).ok()?;
    Date::from_ordinal_date(year, ordinal).ok()
}

/// A request about a licence; its serde form is the API body.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum LicenceCommand {
    Change { what: String },
    ApplyRenewal,
    Renew,
    Withdraw { reason: String },
    Revoke { reason: String, fraud: bool },
    Cancel { reason: CancelReason },
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LicenceError {
    #[error("the licence is {0:?}, not valid")]
    NotValid(LicenceStatus),
    #[error("the licence is already cancelled")]
    Cancelled,
    #[error("renewal must be applied for at least {days} days before expiry on {until}")]
    RenewalTooLate { until: Date, days: i64 },
    #[error("no renewal was applied for")]
    NoRenewalApplied,
    #[error("a {0:?} licence cannot be cancelled for that reason")]
    CancelReason(LicenceStatus),
    #[error("a reason is required")]
    NoReason,
    #[error("the licence history is empty or does not start with its issue")]
    BadHistory,
}

impl LicenceError {
    pub fn code(&self) -> &'static str {
        match self {
            LicenceError::NotValid(_) => "licence_not_valid",
            LicenceError::Cancelled => "licence_cancelled",
            LicenceError::RenewalTooLate { .. } => "renewal_too_late",
            LicenceError::NoRenewalApplied => "no_renewal_applied",
            LicenceError::CancelReason(_) => "cancel_reason",
            LicenceError::NoReason => "reasons_missing",
            LicenceError::BadHistory => "licence_history",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            LicenceError::NotValid(s) => format!("证照当前状态为“{}”，不能办理此项", s.name_zh()),
            LicenceError::Cancelled => "证照已注销".into(),
            LicenceError::RenewalTooLate { until, days } => {
                format!("延续申请应在有效期届满（{until}）{days}日前提出")
            }
            LicenceError::NoRenewalApplied => "尚未提出延续申请".into(),
            LicenceError::CancelReason(s) => {
                format!("状态为“{}”的证照不能以此理由注销", s.name_zh())
            }
            LicenceError::NoReason => "必须说明理由".into(),
            LicenceError::BadHistory => "证照历史记录不完整".into(),
        }
    }
}

/// A licence as its events describe it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Licence {
    pub licence_id: String,
    pub holder: String,
    pub item_name: String,
    pub status: LicenceStatus,
    pub version: u32,
    /// ISO dates: a register is read by people (`[2026,340]` was time's compact form).
    #[serde(with = "crate::calendar::iso_date")]
    pub valid_until: Date,
    #[serde(with = "crate::calendar::iso_date::option")]
    pub renewal_applied_on: Option<Date>,
    /// Days before expiry a renewal must be applied for (Art. 50, or the item's law).
    pub renewal_lead_days: i64,
}

impl Licence {
    pub fn apply(events: &[LicenceEvent]) -> Result<Self, LicenceError> {
        let Some(LicenceEvent::Issued {
            licence_id,
            holder,
            item_name,
            valid_until,
            renewal_lead_days,
            ..
        }) = events.first()
        else {
            return Err(LicenceError::BadHistory);
        };
        let mut l = Licence {
            licence_id: licence_id.clone(),
            holder: holder.clone(),
            item_name: item_name.clone(),
            status: LicenceStatus::Valid,
            version: 1,
            valid_until: *valid_until,
            renewal_applied_on: None,
            renewal_lead_days: renewal_lead_days.map_or(RENEWAL_NOTICE_DAYS, i64::from),
        };
        for e in &events[1..] {
            l.evolve(e);
        }
        Ok(l)
    }

    fn evolve(&mut self, e: &LicenceEvent) {
        match e {
            LicenceEvent::Issued { .. } => {}
            LicenceEvent::Changed { .. } => self.version += 1,
            LicenceEvent::RenewalApplied { on } => self.renewal_applied_on = Some(*on),
            LicenceEvent::Renewed { until, .. } => {
                self.valid_until = *until;
                self.renewal_applied_on = None;
            }
            LicenceEvent::Withdrawn { .. } => self.status = LicenceStatus::Withdrawn,
            LicenceEvent::Revoked { .. } => self.status = LicenceStatus::Revoked,
            LicenceEvent::PenaltyRevoked { .. } => self.status = LicenceStatus::PenaltyRevoked,
            LicenceEvent::Cancelled { .. } => self.status = LicenceStatus::Cancelled,
        }
    }

    fn require_valid(&self) -> Result<(), LicenceError> {
        match self.status {
            LicenceStatus::Valid => Ok(()),
            LicenceStatus::Cancelled => Err(LicenceError::Cancelled),
            s => Err(LicenceError::NotValid(s)),
        }
    }

    /// Art. 50: a renewal applied for in time but not decided by expiry is deemed granted.
    pub fn deemed_renewal(&self, today: Date) -> Option<LicenceEvent> {
        (self.status == LicenceStatus::Valid
            && self.renewal_applied_on.is_some()
            && today > self.valid_until)
            .then(|| LicenceEvent::Renewed {
                until: add_years(self.valid_until, DEFAULT_VALIDITY_YEARS),
                deemed: true,
                on: today,
            })
    }

    pub fn handle(
        &self,
        cmd: LicenceCommand,
        by: &StaffId,
        today: Date,
    ) -> Result<Vec<LicenceEvent>, LicenceError> {
        let by = by.clone();
        let non_empty = |s: String| {
            if s.trim().is_empty() {
                Err(LicenceError::NoReason)
            } else {
                Ok(s)
            }
        };
        Ok(vec![match cmd {
            LicenceCommand::Change { what } => {
                self.require_valid()?;
                LicenceEvent::Changed {
                    what: non_empty(what)?,
                    by,
                    on: today,
                }
            }
            LicenceCommand::ApplyRenewal => {
                self.require_valid()?;
                if (self.valid_until - today).whole_days() < self.renewal_lead_days {
                    return Err(LicenceError::RenewalTooLate {
                        until: self.valid_until,
                        days: self.renewal_lead_days,
                    });
                }
                LicenceEvent::RenewalApplied { on: today }
            }
            LicenceCommand::Renew => {
                self.require_valid()?;
                if self.renewal_applied_on.is_none() {
                    return Err(LicenceError::NoRenewalApplied);
                }
                LicenceEvent::Renewed {
                    until: add_years(self.valid_until, DEFAULT_VALIDITY_YEARS),
                    deemed: false,
                    on: today,
                }
            }
            LicenceCommand::Withdraw { reason } => {
                self.require_valid()?;
                LicenceEvent::Withdrawn {
                    reason: non_empty(reason)?,
                    by,
                    on: today,
                }
            }
            LicenceCommand::Revoke { reason, fraud } => {
                self.require_valid()?;
                LicenceEvent::Revoked {
                    reason: non_empty(reason)?,
                    fraud,
                    by,
                    on: today,
                }
            }
            LicenceCommand::Cancel { reason } => {
                let fits = match self.status {
                    LicenceStatus::Cancelled => return Err(LicenceError::Cancelled),
                    LicenceStatus::Valid => {
                        reason != CancelReason::WithdrawnRevokedOrPenalised
                            && (reason != CancelReason::Expired || today > self.valid_until)
                    }
                    _ => reason == CancelReason::WithdrawnRevokedOrPenalised,
                };
                if !fits {
                    return Err(LicenceError::CancelReason(self.status));
                }
                LicenceEvent::Cancelled {
                    reason,
                    by: Some(by),
                    on: today,
                }
            }
        }])
    }

    /// A supervising department's penalty (吊销), recorded on the licence.
    pub fn penalise(
        &self,
        department: DepartmentCode,
        decision_ref: String,
        today: Date,
    ) -> Result<LicenceEvent, LicenceError> {
        self.require_valid()?;
        if decision_ref.trim().is_empty() {
            return Err(LicenceError::NoReason);
        }
        Ok(LicenceEvent::PenaltyRevoked {
            department,
            decision_ref,
            on: today,
        })
    }
}

impl Licence {
    /// The bureau's cancellation (注销) that follows a penalty revocation (吊销, Art. 70(4)).
    pub fn cancel_after_penalty(&self, today: Date) -> Result<LicenceEvent, LicenceError> {
        if self.status != LicenceStatus::PenaltyRevoked {
            return Err(LicenceError::CancelReason(self.status));
        }
        Ok(LicenceEvent::Cancelled {
            reason: CancelReason::WithdrawnRevokedOrPenalised,
            by: None,
            on: today,
        })
    }
}

/// The same day `years` later (29 February becomes 28 February).
pub fn add_years(d: Date, years: i32) -> Date {
    let y = d.year() + years;
    Date::from_calendar_date(y, d.month(), d.day())
        .or_else(|_| Date::from_calendar_date(y, d.month(), d.day().saturating_sub(1)))
        .unwrap_or(d)
}

/// The last day of a licence granted on `from` for `term` (the item's law, e.g. 5 years for a
/// pollutant discharge permit); [`DEFAULT_VALIDITY_YEARS`] when no law sets one. A month term
/// ends on the same day of the month (the month's last day when it has none).
#[must_use]
pub fn valid_until(from: Date, term: Option<crate::catalog::TimeLimit>) -> Date {
    use crate::catalog::LimitUnit;
    let Some(term) = term else {
        return add_years(from, DEFAULT_VALIDITY_YEARS);
    };
    match term.unit {
        LimitUnit::Months => {
            let months = i64::from(from.month() as u8) - 1 + i64::from(term.value);
            let year = from.year() + i32::try_from(months / 12).unwrap_or(0);
            let month = time::Month::try_from(u8::try_from(months % 12 + 1).unwrap_or(1))
                .unwrap_or(time::Month::January);
            let last = month.length(year);
            Date::from_calendar_date(year, month, from.day().min(last)).unwrap_or(from)
        }
        LimitUnit::Days | LimitUnit::WorkingDays => from
            .checked_add(time::Duration::days(i64::from(term.value)))
            .unwrap_or(from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn art40_the_register_view_writes_dates_as_people_read_them() {
        let events = issued(date!(2031 - 12 - 06));
        let v = events[0].register_view();
        assert_eq!(v["valid_until"], "2031-12-06");
        assert!(v["valid_from"].as_str().is_some(), "{v}");
        // The public view (hashed into the ledger) keeps its bytes.
        assert!(events[0].public_view()["valid_until"].is_array());
        let l = Licence::apply(&events).unwrap();
        assert_eq!(
            serde_json::to_value(&l).unwrap()["valid_until"],
            "2031-12-06"
        );
    }

    #[test]
    fn art50_the_renewal_lead_time_of_the_items_law_applies() {
        // 排污许可管理条例 Art. 14: 60 days before expiry; the general 30 would allow 11-15.
        let mut ev = issued(date!(2026 - 12 - 31));
        if let Some(LicenceEvent::Issued {
            renewal_lead_days, ..
        }) = ev.first_mut()
        {
            *renewal_lead_days = Some(60);
        }
        let l = Licence::apply(&ev).unwrap();
        assert_eq!(
            l.handle(
                LicenceCommand::ApplyRenewal,
                &staff(),
                date!(2026 - 11 - 15)
            )
            .unwrap_err(),
            LicenceError::RenewalTooLate {
                until: date!(2026 - 12 - 31),
                days: 60
            }
        );
        assert!(
            l.handle(
                LicenceCommand::ApplyRenewal,
                &staff(),
                date!(2026 - 10 - 30)
            )
            .is_ok()
        );
        // An issue event written before the field existed reads as Art. 50's 30 days.
        let old = serde_json::to_value(&issued(date!(2026 - 12 - 31))[0]).unwrap();
        assert!(old.get("renewal_lead_days").is_none());
    }

    #[test]
    fn a_licence_term_from_the_items_law_sets_its_validity() {
        use crate::catalog::TimeLimit;
        let from = date!(2026 - 03 - 31);
        assert_eq!(valid_until(from, None), date!(2031 - 03 - 31));
        assert_eq!(
            valid_until(from, Some(TimeLimit::months(60))),
            date!(2031 - 03 - 31)
        );
        assert_eq!(
            valid_until(from, Some(TimeLimit::months(11))),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            valid_until(from, Some(TimeLimit::days(30))),
            date!(2026 - 04 - 30)
        );
    }

    fn issued(until: Date) -> Vec<LicenceEvent> {
        vec![LicenceEvent::Issued {
            licence_id: "L1".into(),
            case_number: "C1".into(),
            item_code: "990100001000".into(),
            item_name: "食品经营许可".into(),
            holder: "某公司".into(),
            valid_from: date!(2026 - 01 - 05),
            valid_until: until,
            renewal_lead_days: None,
        }]
    }

    fn staff() -> StaffId {
        StaffId::parse("APPROVE").unwrap()
    }

    #[test]
    fn the_public_view_holds_no_typed_text() {
        let by = StaffId::parse("APPROVER").unwrap();
        let on = time::macros::date!(2026 - 11 - 30);
        let secret = "张三 13812345678";
        for e in [
            LicenceEvent::Changed {
                what: secret.into(),
                by: by.clone(),
                on,
            },
            LicenceEvent::Withdrawn {
                reason: secret.into(),
                by: by.clone(),
                on,
            },
            LicenceEvent::Revoked {
                reason: secret.into(),
                fraud: true,
                by: by.clone(),
                on,
            },
            LicenceEvent::PenaltyRevoked {
                department: DepartmentCode::parse("FG").unwrap(),
                decision_ref: secret.into(),
                on,
            },
        ] {
            let v = e.public_view();
            assert!(!v.to_string().contains("13812345678"), "{v}");
            assert!(v["kind"].is_string() && !v["on"].is_null(), "{v}");
        }
        let v = LicenceEvent::Cancelled {
            reason: CancelReason::Expired,
            by: None,
            on,
        }
        .public_view();
        assert_eq!(v["reason"], "expired");
    }

    #[test]
    fn renewal_applied_in_time_and_undecided_at_expiry_is_deemed_granted() {
        let mut ev = issued(date!(2026 - 12 - 31));
        let l = Licence::apply(&ev).unwrap();
        assert_eq!(
            l.handle(
                LicenceCommand::ApplyRenewal,
                &staff(),
                date!(2026 - 12 - 15)
            )
            .unwrap_err(),
            LicenceError::RenewalTooLate {
                until: date!(2026 - 12 - 31),
                days: 30
            }
        );
        ev.extend(
            l.handle(
                LicenceCommand::ApplyRenewal,
                &staff(),
                date!(2026 - 11 - 30),
            )
            .unwrap(),
        );
        let l = Licence::apply(&ev).unwrap();
        assert!(
            l.deemed_renewal(date!(2026 - 12 - 31)).is_none(),
            "not before expiry has passed"
        );
        let e = l.deemed_renewal(date!(2027 - 01 - 01)).unwrap();
        ev.push(e);
        let l = Licence::apply(&ev).unwrap();
        assert_eq!(l.valid_until, date!(2031 - 12 - 31));
        assert!(l.renewal_applied_on.is_none());
    }

    #[test]
    fn a_penalised_licence_can_only_be_cancelled_for_that_reason_and_then_never_again() {
        let mut ev = issued(date!(2030 - 01 - 01));
        let l = Licence::apply(&ev).unwrap();
        ev.push(
            l.penalise(
                DepartmentCode::parse("SCJG").unwrap(),
                "济市监罚〔2026〕1号".into(),
                date!(2026 - 06 - 01),
            )
            .unwrap(),
        );
        let l = Licence::apply(&ev).unwrap();
        assert_eq!(l.status, LicenceStatus::PenaltyRevoked);
        assert_eq!(
            l.handle(
                LicenceCommand::Change { what: "x".into() },
                &staff(),
                date!(2026 - 06 - 02)
            )
            .unwrap_err()
            .code(),
            "licence_not_valid"
        );
        assert!(
            l.handle(
                LicenceCommand::Cancel {
                    reason: CancelReason::HolderDied
                },
                &staff(),
                date!(2026 - 06 - 02)
            )
            .is_err()
        );
        ev.extend(
            l.handle(
                LicenceCommand::Cancel {
                    reason: CancelReason::WithdrawnRevokedOrPenalised,
                },
                &staff(),
                date!(2026 - 06 - 02),
            )
            .unwrap(),
        );
        let l = Licence::apply(&ev).unwrap();
        assert_eq!(l.status, LicenceStatus::Cancelled);
        assert_eq!(
            l.handle(
                LicenceCommand::Cancel {
                    reason: CancelReason::ForceMajeure
                },
                &staff(),
                date!(2026 - 06 - 03)
            )
            .unwrap_err(),
            LicenceError::Cancelled
        );
    }

    #[test]
    fn changes_count_versions_and_need_a_description() {
        let mut ev = issued(date!(2030 - 01 - 01));
        let l = Licence::apply(&ev).unwrap();
        assert_eq!(
            l.handle(
                LicenceCommand::Change { what: " ".into() },
                &staff(),
                date!(2026 - 02 - 01)
            )
            .unwrap_err(),
            LicenceError::NoReason
        );
        ev.extend(
            l.handle(
                LicenceCommand::Change {
                    what: "经营场所变更".into(),
                },
                &staff(),
                date!(2026 - 02 - 01),
            )
            .unwrap(),
        );
        assert_eq!(Licence::apply(&ev).unwrap().version, 2);
    }

    #[test]
    fn a_valid_licence_is_cancelled_as_expired_only_after_expiry() {
        let l = Licence::apply(&issued(date!(2026 - 12 - 31))).unwrap();
        assert!(
            l.handle(
                LicenceCommand::Cancel {
                    reason: CancelReason::Expired
                },
                &staff(),
                date!(2026 - 12 - 31)
            )
            .is_err()
        );
        assert!(
            l.handle(
                LicenceCommand::Cancel {
                    reason: CancelReason::Expired
                },
                &staff(),
                date!(2027 - 01 - 01)
            )
            .is_ok()
        );
    }

    #[test]
    fn years_are_added_calendar_wise_even_from_29_february() {
        assert_eq!(add_years(date!(2028 - 02 - 29), 1), date!(2029 - 02 - 28));
        assert_eq!(add_years(date!(2026 - 03 - 01), 5), date!(2031 - 03 - 01));
    }
}
