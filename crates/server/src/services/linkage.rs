//! Approval–supervision linkage (审管互动) apart from HTTP: pushes when the bureau decides and
//! their claims (`pushes`), feedback from departments and their feed (`feedback`), the bureau's
//! mapping, settings and tracking (`bureau`), refused attempts (`refusals`) and webhooks
//! (`webhooks`). The rules live in `domain::linkage`; this module finds the facts they need
//! through `store::linkage` and records what they decide. The working-day runner and webhook
//! delivery are background work (`background::linkage_runner`, `background::webhook_delivery`).

pub mod bureau;
pub mod error;
mod events;
pub mod feedback;
pub mod pushes;
pub mod refusals;
pub mod summary;
mod supervisor;
pub mod webhooks;

pub use bureau::{Tracking, settings, tracking};
pub use error::{LinkageError, Refusal};
pub(crate) use events::{record, system_meta};
pub use feedback::{FeedbackOutcome, penalty_revocation, submit_feedback};
pub use oneseal_store::linkage::bureau::RefusalRow;
pub use oneseal_store::linkage::feedback::FeedbackRow;
pub use oneseal_store::linkage::pushes::{PushRow, StatRow, stats};
pub use pushes::{
    Decided, claim, enqueue, load_push, push_decision, push_licence_event, record_push,
};
pub use refusals::{REFUSALS_PER_MINUTE, RefusalLimiter};
pub use supervisor::{Supervisor, supervisor_for};
pub(crate) use supervisor::{parse_dept, parse_division};
