//! Applications the holder makes about a licence (延续, 变更, 注销申请) are cases like first
//! applications: received, accepted, reviewed, decided (granted, or refused with reasons and
//! remedies) and sealed. This module is the licence's side: who may apply and when (the holder
//! only; a renewal by the lead time of Art. 50 or the item's law), the [`LicenceLink`] the case
//! carries in its receipt, and what a decision does to the licence.
//!
//! Why a link on the case rather than a licence command: before issue #21 a renewal applied for
//! was never decided, so every timely renewal was deemed granted (Art. 50) whatever the facts.

use time::Date;

use super::link::{LicenceLink, LicencePurpose};
use super::{CancelReason, Licence, LicenceError, LicenceEvent, LicenceStatus, valid_until};
use crate::catalog::TimeLimit;
use crate::org::StaffId;

/// What intake knows about an application before it is linked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicationRequest {
    pub purpose: LicencePurpose,
    /// The applicant's credit code or ID number equals the holder's.
    pub holder_matches: bool,
    /// The item's law allows cancellation on the holder's application.
    pub holder_may_cancel: bool,
    /// The item's licence term (the default term when its law sets none).
    pub term: Option<TimeLimit>,
    /// Change: what is to change.
    pub change: Option<String>,
}

impl Licence {
    /// Checks an application about this licence received on `today` as case `case_number`;
    /// returns the link the case keeps and the licence events intake records (a renewal's
    /// `renewal_applied`).
    ///
    /// # Errors
    /// The licence is not valid or has expired, another application is open, the applicant
    /// is not the holder, a renewal comes later than the lead time, the item allows no
    /// cancellation on application, or a change says nothing.
    pub fn open_application(
        &self,
        req: ApplicationRequest,
        case_number: &str,
        today: Date,
    ) -> Result<(LicenceLink, Vec<LicenceEvent>), LicenceError> {
        self.require_valid()?;
        if today > self.valid_until {
            return Err(LicenceError::Expired(self.valid_until));
        }
        if let Some(open) = &self.application_case {
            return Err(LicenceError::ApplicationPending(open.clone()));
        }
        if !req.holder_matches {
            return Err(LicenceError::NotHolder);
        }
        let mut link = LicenceLink {
            licence_id: self.licence_id.clone(),
            purpose: req.purpose,
            expires_on: self.valid_until,
            renew_until: None,
            change: None,
        };
        let mut events = Vec::new();
        match req.purpose {
            LicencePurpose::Renewal => {
                if (self.valid_until - today).whole_days() < self.renewal_lead_days {
                    return Err(LicenceError::RenewalTooLate {
                        until: self.valid_until,
                        days: self.renewal_lead_days,
                    });
                }
                let until = valid_until(self.valid_until, req.term);
                link.renew_until = Some(until);
                events.push(LicenceEvent::RenewalApplied {
                    on: today,
                    case_number: Some(case_number.to_owned()),
                    renew_until: Some(until),
                });
            }
            LicencePurpose::Change => {
                let what = req.change.unwrap_or_default();
                if what.trim().is_empty() {
                    return Err(LicenceError::NoReason);
                }
                link.change = Some(what);
            }
            LicencePurpose::Cancellation => {
                if !req.holder_may_cancel {
                    return Err(LicenceError::PurposeNotAllowed(req.purpose));
                }
            }
        }
        Ok((link, events))
    }

    /// What the decision of case `case_number` (linked by `link`) does to the licence:
    /// a granted renewal extends the validity by the item's term, a refused one ends the
    /// licence at its expiry (Art. 50); a granted change counts a version; a granted
    /// cancellation cancels it. A renewal already deemed granted changes nothing more.
    ///
    /// # Errors
    /// The licence is no longer valid (a grant cannot act on it).
    pub fn decide_application(
        &self,
        link: &LicenceLink,
        case_number: &str,
        granted: bool,
        by: &StaffId,
        today: Date,
    ) -> Result<Vec<LicenceEvent>, LicenceError> {
        let open = self.application_case.as_deref() == Some(case_number);
        Ok(match (link.purpose, granted) {
            (LicencePurpose::Renewal, _) if !open => Vec::new(),
            (LicencePurpose::Renewal, true) => {
                self.require_valid()?;
                vec![LicenceEvent::Renewed {
                    until: link
                        .renew_until
                        .or(self.renew_until)
                        .unwrap_or_else(|| valid_until(self.valid_until, None)),
                    deemed: false,
                    on: today,
                }]
            }
            (LicencePurpose::Renewal, false) => vec![LicenceEvent::RenewalRefused {
                case_number: case_number.to_owned(),
                on: today,
            }],
            (LicencePurpose::Change, true) => {
                self.require_valid()?;
                vec![LicenceEvent::Changed {
                    what: link.change.clone().unwrap_or_default(),
                    by: by.clone(),
                    on: today,
                }]
            }
            (LicencePurpose::Cancellation, true) => {
                if self.status == LicenceStatus::Cancelled {
                    return Err(LicenceError::Cancelled);
                }
                vec![LicenceEvent::Cancelled {
                    reason: CancelReason::HolderApplication,
                    by: Some(by.clone()),
                    on: today,
                }]
            }
            (LicencePurpose::Change | LicencePurpose::Cancellation, false) => Vec::new(),
        })
    }

    /// Whether the licence has ended at its expiry after a refused renewal (or none).
    #[must_use]
    pub fn expired(&self, today: Date) -> bool {
        today > self.valid_until && self.renewal_applied_on.is_none()
    }
}
