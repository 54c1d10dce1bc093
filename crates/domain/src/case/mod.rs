//! Cases (办件): one application from receipt to delivery, under the Licensing Law.
//!
//! A case is event-sourced. Its history of [`CaseEvent`]s is the record that goes on the
//! ledger; [`Case::apply`] folds it into the current state, and [`Case::receive`] /
//! [`Case::handle`] decide what a command may add. The lifecycle follows the law
//! (domain.md §1, §3):
//!
//! - receipt → one-time notice (once, listing everything, within 5 working days, else the
//!   application counts as accepted from receipt: Art. 32) → supplement → acceptance, or
//!   不受理 / 不予受理 (Art. 32);
//! - review by at least two staff for substantive checks (Art. 34), special procedures that
//!   stop the clock (Art. 45), extensions approved by the head (Art. 42);
//! - a decision by someone other than the accepting clerk; a refusal always with reasons and
//!   the remedy statement (Art. 38); delivery within 10 working days (Art. 44).
//!
//! [`allowed_actions`] lists the steps a member of staff may take now, asking the access matrix
//! and [`Case::handle`] themselves.
//!
//! [`clock`] computes the legal deadlines from the events and the working-day calendar;
//! [`Case::public_progress`] is the portal's view without personal data.
//!
//! Pure: no I/O, no clock. Every date comes from the caller ([`CaseContext::now`], or the
//! `today` of the clock functions); legal dates are days in China Standard Time.

mod address;
mod allowed;
mod bans;
pub mod clock;
mod command;
mod deferral;
mod deferral_command;
mod deferral_error;
mod error;
mod event;
mod false_materials;
mod hearing;
mod hearing_command;
mod hearing_error;
mod ids;
mod intake_field;
mod intake_input;
mod item_errors;
mod linked;
mod on_spot;
mod person;
mod phone;
mod phone_problem;
mod projected;
mod public;
mod query_code;
mod representation;
mod representation_input;
#[cfg(test)]
mod representation_tests;
mod snapshot;
mod state;
mod status;
pub mod submission;
mod terms;

#[cfg(test)]
mod allowed_tests;
#[cfg(test)]
pub(crate) mod deferral_tests;
#[cfg(test)]
mod e2e;
#[cfg(test)]
mod grant_tests;
#[cfg(test)]
mod hearing_law_tests;
#[cfg(test)]
mod hearing_tests;
#[cfg(test)]
mod law_tests;
#[cfg(test)]
mod lawgaps_tests;
#[cfg(test)]
mod linked_tests;
#[cfg(test)]
mod on_spot_tests;
#[cfg(test)]
pub(crate) mod proptests;
#[cfg(test)]
mod provisional_clock;
#[cfg(test)]
mod refusals;
#[cfg(test)]
mod refusals_decided;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

pub use address::Address;
pub use allowed::{AllowedAction, DecisionOutcome, NonAcceptanceGround, allowed_actions};
pub use bans::{ban_by_licence_event, ban_by_step};
pub use clock::{
    Card, CaseClock, ClockExtension, DELIVERY_LIMIT, DecisionClock, DeliveryClock, NOTICE_LIMIT,
    NoticeClock, YELLOW_CARD_PERCENT,
};
pub use command::{CaseContext, Command, Intake};
pub use deferral::{Deferral, DeferralAct, DeferralEvent, MAX_DEFERRAL_DAYS};
pub use deferral_error::DeferralError;
pub use error::{CaseError, ExtensionAuthorityKind, Field, ParseError};
pub use event::SCOPE_MAX;
pub use event::{
    CHINA_STANDARD_TIME, CaseEvent, Channel, Decision, DeliveryMethod, ItemSnapshot, NonAcceptance,
    NoticeItem, NoticeProblem, Reasons, Received, Refusal, Remedies, legal_date,
};
pub use false_materials::{art78_ban, bears_on_safety, false_materials_at, false_materials_on};
pub use hearing::{
    ClosedGround, Hearing, HearingAct, HearingActKind, HearingError, HearingEvent, HearingGround,
    NOTICE_LEAD_DAYS, ORGANISE_DAYS, Postponed, REQUEST_DAYS, Requester, Scheduled,
};
pub use hearing_command::HearingOffer;
pub use ids::{CaseNumber, MaterialRef, Sha256Digest};
pub use intake_field::{
    ADDRESS_MAX, FieldError, IntakeField, ORGANISATION_NAME_MAX, PERSON_NAME_MAX,
};
pub use intake_input::{ApplicantInput, CheckedIntake, IntakeInput};
pub use on_spot::{OnSpotError, SUPPLEMENT_WINDOW_DAYS};
pub use person::{Applicant, IdNumber, PersonalField};
pub use phone::PhoneNumber;
pub use phone_problem::PhoneProblem;
pub use projected::{DueKind, DueReading, ProjectedDue};
pub use public::{PublicDeferral, PublicProgress, PublicStep};
pub use query_code::{QueryCode, StoredQueryCode};
pub use representation::{
    AUTHORISATION_MATERIAL, ConsentMethod, Representation, RepresentationRequest,
};
pub use representation_input::{RepresentationInput, record_on_receipt};
pub use state::{
    Acceptance, Case, DecisionRecord, ExtensionRecord, ProcedureRecord, StepRecord, TimelineEntry,
};
pub use status::CaseStatus;
pub use submission::SubmissionError;
pub use terms::{CommandKind, ExtensionAuthority, ReviewKind};
