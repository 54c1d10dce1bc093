//! When an online application is received (issue #21 item 9).
//!
//! Art. 33 lets applications be filed by electronic data exchange; an application filed online
//! is received when the applicant submits it on the platform, not when a clerk later registers
//! it. The one-time notice window (Art. 32(4)) and every clock that counts from receipt count
//! from that moment, so the platform's submission time is the receipt time of the case
//! ([`Received::received_at`]) and the registration is kept beside it
//! ([`Received::registered_at`]). A hall application is received when it is registered: it
//! carries no submission time.
//!
//! The time comes from outside, so it is bounded: at most [`MAX_FUTURE_SKEW`] ahead of the
//! bureau's clock (two clocks never agree to the second) and at most [`MAX_AGE`] old (a
//! platform forwards within days; anything older is a mistake or an attempt to backdate).

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use super::command::{CaseContext, Intake};
use super::error::CaseError;
use super::event::{CaseEvent, Channel, Received, legal_date};
pub use super::item_errors::SubmissionError;
use super::state::Case;
use crate::org::Role;

/// How far ahead of the bureau's clock a submission time may be.
pub const MAX_FUTURE_SKEW: Duration = Duration::minutes(5);
/// How old a submission may be when it is registered.
pub const MAX_AGE: Duration = Duration::days(30);

/// Parses the platform's `submitted_at`.
///
/// # Errors
/// [`SubmissionError::Format`].
pub fn parse_submitted_at(text: &str) -> Result<OffsetDateTime, SubmissionError> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| SubmissionError::Format)
}

/// The receipt time of an application arriving by `channel`, registered at `now`.
///
/// # Errors
/// The [`SubmissionError`] saying why `submitted_at` cannot be the receipt time.
pub fn receipt_time(
    channel: Channel,
    submitted_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, SubmissionError> {
    let Some(at) = submitted_at else {
        return Ok(now);
    };
    let shown = || at.format(&Rfc3339).unwrap_or_default();
    if channel != Channel::Online {
        return Err(SubmissionError::NotOnline);
    }
    if at > now + MAX_FUTURE_SKEW {
        return Err(SubmissionError::InFuture { at: shown() });
    }
    if at < now - MAX_AGE {
        return Err(SubmissionError::TooOld { at: shown() });
    }
    // A submission a few seconds "ahead" is the two clocks disagreeing: it was received now.
    Ok(at.min(now))
}

impl Case {
    /// Registers an application received at `submitted_at` on the platform (online), or now
    /// (`None`): the event that opens a case. [`Case::receive`] is this with `None`.
    ///
    /// # Errors
    /// Those of [`Case::receive`], and [`CaseError::Submission`] for a submission time the
    /// channel or the bounds refuse.
    pub fn receive_submitted(
        intake: Intake,
        submitted_at: Option<OffsetDateTime>,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        if !ctx.roles.contains(&Role::Clerk) {
            return Err(CaseError::MissingRole(Role::Clerk));
        }
        let today = ctx.today();
        ctx.calendar.day_kind(today)?;
        if intake.case_number.date() != today {
            return Err(CaseError::CaseNumberDate {
                number: intake.case_number.date(),
                received: today,
            });
        }
        let received_at = receipt_time(intake.channel, submitted_at, ctx.now)?;
        // The clocks count from the receipt day: its year must be loaded too.
        ctx.calendar.day_kind(legal_date(received_at))?;
        let event = CaseEvent::Received(Box::new(Received {
            case_number: intake.case_number,
            query_code: intake.query_code,
            channel: intake.channel,
            item: intake.item,
            applicant: intake.applicant,
            materials: intake.materials,
            address: intake.address,
            received_by: ctx.actor.clone(),
            received_at,
            registered_at: Some(ctx.now),
            licence: None,
            bundle: None,
            commitment: None,
            representation: None,
        }));
        Case::apply(std::slice::from_ref(&event))?;
        Ok(vec![event])
    }
}

impl Received {
    /// Whether the receipt was recorded under issue #21 items 9–10 (it carries the
    /// registration time): rules that changed with them apply to such cases only, so older
    /// ledgers replay to the alerts they raised.
    #[must_use]
    pub fn under_item_rules(&self) -> bool {
        self.registered_at.is_some()
    }

    /// The platform's submission time, when it differs from the registration (Art. 33).
    #[must_use]
    pub fn submitted_at(&self) -> Option<OffsetDateTime> {
        self.registered_at
            .filter(|r| *r != self.received_at)
            .map(|_| self.received_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-04 10:00 +08:00);

    #[test]
    fn art33_online_receipt_is_the_submission_time() {
        let at = datetime!(2026-03-02 23:30 +08:00);
        assert_eq!(receipt_time(Channel::Online, Some(at), NOW), Ok(at));
        assert_eq!(receipt_time(Channel::Online, None, NOW), Ok(NOW));
        assert_eq!(receipt_time(Channel::Window, None, NOW), Ok(NOW));
        // A few seconds of skew are the clocks disagreeing: received now.
        let ahead = NOW + Duration::seconds(30);
        assert_eq!(receipt_time(Channel::Online, Some(ahead), NOW), Ok(NOW));
    }

    #[test]
    fn art33_violating_submission_times_are_refused() {
        let at = datetime!(2026-03-02 23:30 +08:00);
        assert_eq!(
            receipt_time(Channel::Window, Some(at), NOW),
            Err(SubmissionError::NotOnline)
        );
        let future = NOW + Duration::hours(1);
        assert_eq!(
            receipt_time(Channel::Online, Some(future), NOW)
                .unwrap_err()
                .code(),
            "submitted_at_in_future"
        );
        let old = NOW - Duration::days(31);
        assert_eq!(
            receipt_time(Channel::Online, Some(old), NOW)
                .unwrap_err()
                .code(),
            "submitted_at_too_old"
        );
        assert_eq!(
            parse_submitted_at("2026-03-02 23:30"),
            Err(SubmissionError::Format)
        );
        assert_eq!(parse_submitted_at("2026-03-02T23:30:00+08:00"), Ok(at));
    }
}
