//! Cases about an existing licence (延续, 变更, 注销申请, issue #21): the receipt carries a
//! [`LicenceLink`], and the Licensing Law adds one rule to the ordinary workflow — a renewal
//! applied for in time and not decided by the licence's expiry is deemed granted (Art. 50), so
//! it can no longer be refused.
//!
//! Apart from `state.rs` and `command.rs` so that the ordinary workflow stays as it was: those
//! only call [`check_command`] and set the link to `None` on a first application.

use time::Date;

use super::command::{CaseContext, Command, Intake};
use super::error::CaseError;
use super::event::{CaseEvent, Decision};
use super::state::Case;
use crate::licence::LicenceLink;

/// Refuses what a linked case may no longer do today: a refusal of a renewal after the
/// licence's expiry (Art. 50: it was deemed granted then).
pub(super) fn check_command(case: &Case, command: &Command, today: Date) -> Result<(), CaseError> {
    let Some(link) = case.licence_link() else {
        return Ok(());
    };
    if let Command::Decide {
        decision: Decision::Refuse(_),
    } = command
        && link.deemed_granted(today)
    {
        return Err(CaseError::RenewalDeemedGranted(link.expires_on));
    }
    Ok(())
}

impl Case {
    /// Registers an application about the licence `link` names: [`Case::receive`] with the
    /// link kept in the receipt.
    ///
    /// # Errors
    /// As [`Case::receive`].
    pub fn receive_linked(
        intake: Intake,
        link: LicenceLink,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let mut events = Case::receive(intake, ctx)?;
        for e in &mut events {
            if let CaseEvent::Received(r) = e {
                r.licence = Some(link.clone());
            }
        }
        Ok(events)
    }

    /// The licence this case is about, if it is a renewal, change or cancellation.
    #[must_use]
    pub fn licence_link(&self) -> Option<&LicenceLink> {
        self.received().licence.as_ref()
    }

    /// Art. 50: a renewal case still undecided after the licence's expiry (deemed granted).
    #[must_use]
    pub fn renewal_deemed_granted(&self, today: Date) -> bool {
        self.decision().is_none()
            && !self.is_closed()
            && self.licence_link().is_some_and(|l| l.deemed_granted(today))
    }
}
