//! The rule a case step obeys in a blocking bundle: no grant once another item of the same
//! application was refused (`domain::bundle::check_grant`). The case service asks it before it
//! records a step; it imports no case service, so the two stay apart.

use oneseal_domain::bundle::{BundleBlocked, check_grant};
use oneseal_domain::case::{Case, CaseEvent, CaseStatus, Decision};
use oneseal_store::bundles::members;
use oneseal_store::{Conn, StoreError};

/// The refusal of a grant among `new` (the events a command on `case` would record), when the
/// case's bundle blocks on a refusal and another case of its application was refused.
///
/// # Errors
/// The store's failure.
pub fn blocked_grant(
    conn: &mut dyn Conn,
    case: &Case,
    new: &[CaseEvent],
) -> Result<Option<BundleBlocked>, StoreError> {
    let Some(link) = case.received().bundle.as_ref().filter(|l| l.blocks) else {
        return Ok(None);
    };
    let grants = new.iter().any(|e| {
        matches!(
            e,
            CaseEvent::Decided {
                decision: Decision::Approve { .. } | Decision::ApproveWithDeferredMaterials { .. },
                ..
            }
        )
    });
    if !grants {
        return Ok(None);
    }
    let me = case.received().case_number.as_str();
    let siblings: Vec<(String, CaseStatus)> = members(conn, &link.application)?
        .into_iter()
        .filter(|r| r.case_number != me)
        .filter_map(|r| {
            let status = u8::try_from(r.status)
                .ok()
                .and_then(CaseStatus::from_code)?;
            Some((r.case_number, status))
        })
        .collect();
    Ok(check_grant(link, &siblings).err())
}
