//! The checks of an Art. 42 extension against the case: who may grant it, how much the item's
//! own law allows, and when the applicant was told. Beside the case's private fields, so that
//! `state.rs` keeps the fold.

use time::Date;

use crate::calendar::{Calendar, TimeLimit};
use crate::catalog::legal::ExtensionAllowance;

use super::super::clock::calendar_limit;
use super::super::error::{CaseError, ExtensionAuthorityKind};
use super::super::terms::{CommandKind, ExtensionAuthority};
use super::{Case, ExtensionRecord, not_blank};

impl Case {
    pub(super) fn check_extension(
        &self,
        authority: &ExtensionAuthority,
        working_days: u32,
        reason: &str,
        on: Date,
        notified: Option<Date>,
    ) -> Result<(), CaseError> {
        self.require_review(CommandKind::Extend)?;
        let required = self.required_extension_authority();
        if ExtensionAuthorityKind::from(authority) != required {
            return Err(CaseError::WrongExtensionAuthority { required });
        }
        if let ExtensionAuthority::GovernmentHead { approval_reference } = authority {
            not_blank(approval_reference, "approval reference")?;
        }
        if working_days == 0 {
            return Err(CaseError::ZeroExtension);
        }
        let used = self.extension_working_days();
        let allowed = match self.received.item.extension_allowance() {
            (ExtensionAllowance::None, provision) => {
                return Err(CaseError::ExtensionNotAllowed { provision });
            }
            (ExtensionAllowance::WorkingDays(n), _) => n,
        };
        if used.saturating_add(working_days) > allowed {
            return Err(CaseError::ExtensionExceedsAllowance {
                requested: working_days,
                used,
                allowed,
            });
        }
        not_blank(reason, "reason")?;
        let accepted = self.acceptance.as_ref().map_or(on, |a| a.on);
        if let Some(notified) = notified
            && (notified < accepted || notified > on)
        {
            return Err(CaseError::NotificationDate {
                notified,
                from: accepted,
                to: on,
            });
        }
        Ok(())
    }

    /// The extensions approved without a notice to the applicant, in order (Art. 42).
    #[must_use]
    pub fn unnotified_extensions(&self) -> Vec<&ExtensionRecord> {
        self.extensions
            .iter()
            .filter(|e| e.applicant_notified_on.is_none())
            .collect()
    }

    /// A notice recorded after the approval: while the case is under review, and only when an
    /// extension still lacks one.
    pub(super) fn check_extension_notice(&self) -> Result<(), CaseError> {
        self.require_review(CommandKind::NotifyExtension)?;
        if self.unnotified_extensions().is_empty() {
            return Err(CaseError::NoExtensionToNotify);
        }
        Ok(())
    }

    /// Marks every extension still without a notice as told on `on`; the timeline's words.
    pub(super) fn record_extension_notice(&mut self, on: Date) -> String {
        let mut days = 0;
        for e in self
            .extensions
            .iter_mut()
            .filter(|e| e.applicant_notified_on.is_none())
        {
            e.applicant_notified_on = Some(on);
            days += e.working_days;
        }
        format!("已告知申请人延长办理期限{days}个工作日")
    }

    /// The last day of the limit that the extensions still without a notice lengthen: once it
    /// passes they take effect with the applicant not told (Art. 42). `None` when every
    /// extension was notified or the case has no decision clock.
    ///
    /// # Errors
    /// [`CaseError::Calendar`] when a needed year is not loaded.
    pub fn extension_notice_due(
        &self,
        calendar: &Calendar,
        today: Date,
    ) -> Result<Option<Date>, CaseError> {
        let Some(first) = self
            .extensions
            .iter()
            .position(|e| e.applicant_notified_on.is_none())
        else {
            return Ok(None);
        };
        let Some(clock) = self.clock(calendar, today)?.decision else {
            return Ok(None);
        };
        let earlier: Vec<TimeLimit> = self
            .extensions
            .iter()
            .take(first)
            .map(|e| TimeLimit::working_days(e.working_days))
            .collect();
        let due = calendar.deadline_with_extensions(
            clock.starts_on,
            calendar_limit(self.received.item.statutory_limit()),
            &earlier,
            &clock.pauses,
        )?;
        Ok(Some(due.due))
    }
}
