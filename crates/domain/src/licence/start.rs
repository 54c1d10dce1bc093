//! The start of work under a construction permit (建筑法 Art. 9, issue #21 item 1): "建设单位应当自
//! 领取施工许可证之日起三个月内开工。因故不能按期开工的，应当向发证机关申请延期 … 既不开工又不申请延期或者
//! 超过延期时限的，施工许可证自行废止". The item's `start_deadline` setting fixes the last day at
//! issue (`LicenceEvent::Issued::start_by`); the start and the request to start later are licence
//! events, recorded by the bureau (the holder's report, or what the bureau found); the rule
//! `start_deadline` raises a card when the day passes with neither.
//!
//! Not modelled: the extension's own decision and length (twice, three months each); a request
//! stops the card, and a lapsed permit is cancelled by the bureau on Art. 70(6).

use time::Date;

use super::{Licence, LicenceError, LicenceEvent, LicenceStatus, valid_until};
use crate::catalog::TimeLimit;
use crate::org::StaffId;

/// The last day to start the work on a licence received on `issued_on`, for the item's
/// `start_deadline` (a month limit ends on the same day of the month).
#[must_use]
pub fn start_by(issued_on: Date, limit: Option<TimeLimit>) -> Option<Date> {
    limit.map(|l| valid_until(issued_on, Some(l)))
}

impl Licence {
    /// 建筑法 Art. 9: the start deadline passed on a valid licence with neither a start nor a
    /// request to start later recorded.
    #[must_use]
    pub fn start_overdue(&self, today: Date) -> Option<Date> {
        let due = self.start_by?;
        (self.status == LicenceStatus::Valid
            && self.work_started_on.is_none()
            && self.start_extension_requested_on.is_none()
            && today > due)
            .then_some(due)
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
        if today > due {
            return Err(LicenceError::StartDeadlinePassed(due));
        }
        Ok(LicenceEvent::StartExtensionRequested { by, on: today })
    }
}
