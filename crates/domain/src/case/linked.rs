//! Cases about an existing licence (延续, 变更, 注销申请, issue #21): the receipt carries a
//! [`LicenceLink`], and the Licensing Law adds one rule to the ordinary workflow — a renewal
//! applied for in time and not decided by the licence's expiry is deemed granted (Art. 50), so
//! it can no longer be refused.
//!
//! Apart from `state.rs` and `command.rs` so that the ordinary workflow stays as it was: those
//! only call [`check_refusal`] and set the link to `None` on a first application
//! (`Case::receive_linked` sits in `command.rs` beside `Case::receive`).

use time::Date;

use super::error::CaseError;
use super::state::Case;
use crate::licence::LicenceLink;

/// Refuses what a linked case may no longer do today: a refusal (`refuses`) of a renewal after
/// the licence's expiry (Art. 50: it was deemed granted then).
pub(super) fn check_refusal(case: &Case, refuses: bool, today: Date) -> Result<(), CaseError> {
    match case.licence_link() {
        Some(link) if refuses && link.deemed_granted(today) => {
            Err(CaseError::RenewalDeemedGranted(link.expires_on))
        }
        _ => Ok(()),
    }
}

impl Case {
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
