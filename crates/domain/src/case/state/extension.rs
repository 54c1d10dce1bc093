//! The checks of an Art. 42 extension against the case: who may grant it, how much the item's
//! own law allows, and when the applicant was told. Beside the case's private fields, so that
//! `state.rs` keeps the fold.

use time::Date;

use crate::catalog::legal::ExtensionAllowance;

use super::super::error::{CaseError, ExtensionAuthorityKind};
use super::super::terms::{CommandKind, ExtensionAuthority};
use super::{Case, not_blank};

impl Case {
    pub(super) fn check_extension(
        &self,
        authority: &ExtensionAuthority,
        working_days: u32,
        reason: &str,
        on: Date,
        notified: Date,
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
        if notified < accepted || notified > on {
            return Err(CaseError::NotificationDate {
                notified,
                from: accepted,
                to: on,
            });
        }
        Ok(())
    }
}
