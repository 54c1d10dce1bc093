//! The rule of Art. 42 on the notice of an extension (issue #21 item 10): the head's approval
//! may come first and the notice to the applicant after, but once the limit the extension
//! lengthens has passed, the extension is in effect and the applicant must have been told
//! ("并应当将延长期限的理由告知申请人"). Raised once per case, for whoever holds it.
//!
//! Apart from `builtin.rs` so that file keeps only its hook line.

use time::Date;

use super::engine::{CaseTrack, Engine};
use super::model::RuleId;
use crate::case::Case;

/// The day's timer on an open, undecided case with an extension not yet notified.
pub(super) fn timers(engine: &mut Engine, number: &str, t: &CaseTrack, today: Date, at_index: u64) {
    let Ok(case) = Case::apply(&t.events) else {
        return;
    };
    let Ok(Some(due)) = case.extension_notice_due(&engine.calendar, today) else {
        return;
    };
    if today <= due {
        return;
    }
    let days: u32 = case
        .unnotified_extensions()
        .iter()
        .map(|e| e.working_days)
        .sum();
    engine.raise(
        RuleId::ExtensionNotice,
        format!("case:{number}"),
        format!(
            "办件{number}：延长办理期限{days}个工作日，原期限{due}届满时尚未告知申请人（行政许可法第四十二条）"
        ),
        t.holder.clone(),
        None,
        t.first_index,
        at_index,
        today,
    );
}
