//! The start of work under a construction permit (建筑法 Art. 9, issue #21 item 1): "建设单位应当自
//! 领取施工许可证之日起三个月内开工。因故不能按期开工的，应当向发证机关申请延期；延期以两次为限，每次不超过
//! 三个月。既不开工又不申请延期或者超过延期时限的，施工许可证自行废止". The item's `start_deadline`
//! setting fixes the last day at issue (`LicenceEvent::Issued::start_by`); the start, the request
//! to start later and the issuing body's answer to it are licence events, recorded by the bureau
//! (the holder's report, or what the bureau found).
//!
//! A grant moves the deadline (at most [`START_EXTENSION_MONTHS`] months past the one it
//! replaces, [`MAX_START_EXTENSIONS`] times); a refusal leaves it. A valid permit past its
//! deadline with neither a start nor an undecided request has lapsed by law (自行废止): the
//! licence shows it ([`Licence::status_zh_on`]), the rule `start_deadline` raises a card, and the
//! bureau records the cancellation on Art. 70(6) (`other_statutory`). A request the bureau leaves
//! undecided longer than [`START_EXTENSION_DECISION_DAYS`] working days (a bureau policy: the law
//! sets no limit) raises `start_extension_undecided`.

use time::Date;

use super::{Licence, LicenceError, LicenceEvent, LicenceStatus, valid_until};
use crate::catalog::TimeLimit;
use crate::org::StaffId;

/// 建筑法 Art. 9: 延期以两次为限.
pub const MAX_START_EXTENSIONS: u8 = 2;
/// 建筑法 Art. 9: 每次不超过三个月.
pub const START_EXTENSION_MONTHS: u32 = 3;
/// Working days the bureau gives itself to answer a request to start later (本局规定; neither
/// 建筑法 nor 建筑工程施工许可管理办法 sets one).
pub const START_EXTENSION_DECISION_DAYS: u32 = 10;

/// The last day to start the work on a licence received on `issued_on`, for the item's
/// `start_deadline` (a month limit ends on the same day of the month).
#[must_use]
pub fn start_by(issued_on: Date, limit: Option<TimeLimit>) -> Option<Date> {
    limit.map(|l| valid_until(issued_on, Some(l)))
}

/// The latest new deadline one extension may set after `current` (three months, month
/// arithmetic as the licence term).
#[must_use]
pub fn latest_extended_start(current: Date) -> Date {
    valid_until(current, Some(TimeLimit::months(START_EXTENSION_MONTHS)))
}

impl Licence {
    /// 建筑法 Art. 9: the (possibly extended) start deadline passed on a valid licence with
    /// neither a start nor an undecided request to start later: the permit has lapsed by law
    /// (自行废止). Returns the deadline that passed.
    #[must_use]
    pub fn start_overdue(&self, today: Date) -> Option<Date> {
        let due = self.start_by?;
        (self.status == LicenceStatus::Valid
            && self.work_started_on.is_none()
            && self.start_extension_requested_on.is_none()
            && today > due)
            .then_some(due)
    }

    /// The licence's state in words on `today`: 已自行废止 for a lapsed permit (which stays
    /// `valid` in its status until the bureau cancels it), else its status.
    #[must_use]
    pub fn status_zh_on(&self, today: Date) -> &'static str {
        if self.start_overdue(today).is_some() {
            "已自行废止（建筑法第九条：逾期未开工）"
        } else {
            self.status.name_zh()
        }
    }

    /// The day of the request to start later the bureau has still to decide, if any.
    #[must_use]
    pub fn start_extension_pending(&self) -> Option<Date> {
        if self.status != LicenceStatus::Valid || self.work_started_on.is_some() {
            return None;
        }
        self.start_extension_requested_on
    }

    pub(super) fn record_start(
        &self,
        started_on: Date,
        by_holder: bool,
        by: StaffId,
        today: Date,
    ) -> Result<LicenceEvent, LicenceError> {
        self.require_valid()?;
        if self.start_by.is_none() {
            return Err(LicenceError::NoStartDeadline);
        }
        if self.work_started_on.is_some() {
            return Err(LicenceError::AlreadyStarted);
        }
        if started_on > today || self.issued_on.is_some_and(|i| started_on < i) {
            return Err(LicenceError::StartDate(started_on));
        }
        // A start after the permit lapsed is work without a permit: it needs a new one.
        if let Some(due) = self.start_overdue(today)
            && started_on > due
        {
            return Err(LicenceError::StartLapsed(due));
        }
        Ok(LicenceEvent::WorkStarted {
            started_on,
            by_holder,
            by,
            on: today,
        })
    }

    pub(super) fn request_start_extension(
        &self,
        by: StaffId,
        today: Date,
    ) -> Result<LicenceEvent, LicenceError> {
        self.require_valid()?;
        let Some(due) = self.start_by else {
            return Err(LicenceError::NoStartDeadline);
        };
        if self.work_started_on.is_some() {
            return Err(LicenceError::AlreadyStarted);
        }
        if self.start_extension_requested_on.is_some() {
            return Err(LicenceError::StartExtensionPending);
        }
        if self.start_extensions_granted >= MAX_START_EXTENSIONS {
            return Err(LicenceError::StartExtensionsExhausted);
        }
        if today > due {
            return Err(LicenceError::StartDeadlinePassed(due));
        }
        Ok(LicenceEvent::StartExtensionRequested { by, on: today })
    }

    /// The issuing body's answer to the pending request: a grant names the new deadline (after
    /// the current one, at most three months later), a refusal its reasons.
    pub(super) fn decide_start_extension(
        &self,
        granted: bool,
        new_start_by: Option<Date>,
        reasons: Option<String>,
        by: StaffId,
        today: Date,
    ) -> Result<LicenceEvent, LicenceError> {
        self.require_valid()?;
        let Some(current) = self.start_by else {
            return Err(LicenceError::NoStartDeadline);
        };
        if self.work_started_on.is_some() {
            return Err(LicenceError::AlreadyStarted);
        }
        if self.start_extension_requested_on.is_none() {
            return Err(LicenceError::NoStartExtensionPending);
        }
        let reasons = reasons.filter(|r| !r.trim().is_empty());
        match (granted, new_start_by, reasons) {
            (true, Some(new), None) => {
                if self.start_extensions_granted >= MAX_START_EXTENSIONS {
                    return Err(LicenceError::StartExtensionsExhausted);
                }
                let latest = latest_extended_start(current);
                if new <= current || new > latest {
                    return Err(LicenceError::StartExtensionDate {
                        current,
                        latest,
                        asked: new,
                    });
                }
                Ok(LicenceEvent::StartExtensionGranted {
                    start_by: new,
                    by,
                    on: today,
                })
            }
            (false, None, Some(reasons)) => Ok(LicenceEvent::StartExtensionRefused {
                reasons,
                by,
                on: today,
            }),
            (false, None, None) => Err(LicenceError::NoReason),
            _ => Err(LicenceError::StartExtensionDecision),
        }
    }
}
