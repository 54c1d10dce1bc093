//! The on-the-spot decision (当场决定, Art. 34(2)) and the review policy of the decision
//! (issue #21 item 10).
//!
//! Art. 34(2): when the materials are complete and in legal form and the bureau can decide on
//! the spot, it decides on the spot, in writing. Where the item's settings allow it
//! (`LegalSettings::on_the_spot`, with the special law's provision), an approving official
//! takes the case from receipt (or from the supplement that completed it) to a sealed grant in
//! one step: [`CaseEvent::OnTheSpot`], then the acceptance and the grant, all on the same day
//! by the same official. The ordinary acceptance and decision events carry the documents, the
//! licence, the pushes and the counts as for any grant; the marker says why neither two
//! reviewers nor a second official were needed.
//!
//! Two substantive reviewers and an approver other than the acceptor are bureau policy
//! (`catalog::policy::ReviewPolicy`), checked here as the item's policy says (on by default).
//!
//! Also here, because it is the other half of "over-strict where the law is not": a refusal for
//! materials not corrected waits for the supplement window ([`SUPPLEMENT_WINDOW_DAYS`]) unless
//! the supplement arrived.

use time::{Date, Duration};

use crate::catalog::policy::ReviewPolicy;
use crate::org::StaffId;

use super::command::CaseContext;
use super::error::CaseError;
use super::event::{CaseEvent, Decision};
pub use super::item_errors::OnSpotError;
use super::state::Case;

/// Days the one-time notice gives the applicant to supplement. The law sets no period; the
/// bureau's notice gives 15 days (domain.md §3, the 15-day window of the engines studied), and
/// a refusal for materials not corrected cannot come before it ends unless the supplement
/// arrived.
pub const SUPPLEMENT_WINDOW_DAYS: i64 = 15;

impl From<OnSpotError> for CaseError {
    fn from(e: OnSpotError) -> Self {
        Self::OnSpot(e)
    }
}

impl Case {
    /// The item's review policy (the default for cases received before it existed).
    #[must_use]
    pub fn review_policy(&self) -> ReviewPolicy {
        self.received()
            .item
            .legal
            .as_ref()
            .map(|l| l.policy)
            .unwrap_or_default()
    }

    /// The provision that lets the item be decided on the spot, if any: the item's own, else
    /// a signed 告知承诺 (the applicant's commitment stands in for the proofs, and 国办发〔2020〕
    /// 42号 asks for the decision on the spot; `crate::commitment`).
    #[must_use]
    pub fn on_the_spot_source(&self) -> Option<&str> {
        let r = self.received();
        r.item
            .legal
            .as_ref()
            .and_then(|l| l.on_the_spot.as_ref())
            .map(|o| o.source.as_str())
            .or_else(|| r.commitment.as_ref().map(|c| c.source.as_str()))
    }

    /// Whether the case was (or is being) decided on the spot: the official and the day.
    #[must_use]
    pub fn on_the_spot(&self) -> Option<(&StaffId, Date)> {
        self.on_spot.as_ref().map(|(by, on)| (by, *on))
    }

    /// The three events of the on-the-spot decision, taken by the approving official now.
    pub(super) fn decide_on_spot(
        &self,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let source = self.on_the_spot_source().ok_or(OnSpotError::NotAllowed)?;
        // Art. 46: an item whose law requires a hearing is never decided on the spot.
        self.refuse_decision_without_required_hearing()?;
        let today = ctx.today();
        let by = ctx.actor.clone();
        let events = vec![
            CaseEvent::OnTheSpot {
                by: by.clone(),
                source: source.to_owned(),
                on: today,
            },
            CaseEvent::Accepted {
                by: by.clone(),
                deemed: false,
                on: today,
            },
            CaseEvent::Decided {
                approver: by,
                decision: Decision::APPROVE,
                decided_at: ctx.now,
            },
        ];
        let mut next = self.clone();
        for e in &events {
            next.evolve(e)?;
        }
        Ok(events)
    }

    /// The fold's check of [`CaseEvent::OnTheSpot`]: before acceptance, allowed by the item,
    /// with the materials complete, on the day they became complete.
    pub(super) fn check_on_spot(&self, source: &str, on: Date) -> Result<(), CaseError> {
        if self.on_the_spot_source().is_none() {
            return Err(OnSpotError::NotAllowed.into());
        }
        if source.trim().is_empty() {
            return Err(CaseError::Blank("source"));
        }
        if let (Some(notice), None) = (self.notice_issued_on(), self.supplement_received_on()) {
            return Err(CaseError::SupplementPending(notice));
        }
        let complete = self
            .supplement_received_on()
            .unwrap_or_else(|| self.received().received_on());
        if on != complete {
            return Err(OnSpotError::NotOnTheDay { on: complete }.into());
        }
        Ok(())
    }

    /// After the marker, the acceptance is the same official's, the same day.
    pub(super) fn check_on_spot_acceptance(&self, by: &StaffId, on: Date) -> Result<(), CaseError> {
        match self.on_the_spot() {
            Some((who, day)) if self.acceptance().is_none() && (who != by || day != on) => {
                Err(OnSpotError::Split {
                    by: who.clone(),
                    on: day,
                }
                .into())
            }
            _ => Ok(()),
        }
    }

    /// The decision's checks: the policy's two reviewers and separate acceptor, which an
    /// on-the-spot grant (same official, same day) does not need.
    pub(super) fn check_decision_policy(
        &self,
        approver: &StaffId,
        decision: &Decision,
        on: Date,
    ) -> Result<(), CaseError> {
        let on_spot = self.on_the_spot();
        if let Some((by, day)) = on_spot
            && by == approver
            && day == on
            && self
                .acceptance()
                .is_some_and(|a| a.by == *approver && a.on == on)
        {
            return match decision {
                Decision::Approve { .. } => Ok(()),
                _ => Err(OnSpotError::NotAGrant.into()),
            };
        }
        let policy = self.review_policy();
        let reviewers = self.substantive_reviewers().len();
        if policy.two_reviewers && reviewers < 2 {
            return Err(CaseError::TooFewReviewers(reviewers));
        }
        if policy.separate_acceptor
            && let Some(a) = self.acceptance()
            && a.by == *approver
        {
            return Err(CaseError::SameAcceptorAndApprover(approver.clone()));
        }
        if let Decision::ApproveWithDeferredMaterials { materials } = decision {
            if materials.is_empty() {
                return Err(CaseError::EmptyList("deferred materials"));
            }
            if materials.iter().any(|m| m.trim().is_empty()) {
                return Err(CaseError::Blank("material name"));
            }
        }
        Ok(())
    }

    /// A refusal for materials not corrected waits for the supplement window, unless the
    /// supplement arrived (and is still wanting). Command-time, so older refusals replay.
    pub(super) fn refuse_before_supplement_window(&self, today: Date) -> Result<(), CaseError> {
        let (Some(notice), None) = (self.notice_issued_on(), self.supplement_received_on()) else {
            return Ok(());
        };
        let until = notice
            .checked_add(Duration::days(SUPPLEMENT_WINDOW_DAYS))
            .unwrap_or(Date::MAX);
        if today <= until {
            return Err(OnSpotError::SupplementWindowOpen { until }.into());
        }
        Ok(())
    }
}
