//! What 容缺受理 does to a case (issue #19 item 6): the clerk's acts, the fold's checks and the
//! licence held until the deferred materials arrive.
//!
//! Apart from [`super::deferral`], which holds the recorded types, because the events and the
//! case state carry those types while the steps here need the commands and the state.

use time::{Date, Duration};

use super::command::{CaseContext, Command};
use super::deferral::{Deferral, DeferralAct, DeferralEvent, MAX_DEFERRAL_DAYS};
use super::deferral_error::DeferralError;
use super::error::CaseError;
use super::event::{CaseEvent, Decision};
use super::state::Case;

impl From<DeferralError> for CaseError {
    fn from(e: DeferralError) -> Self {
        Self::Deferral(e)
    }
}

impl Case {
    /// The deferral agreed at acceptance, if any.
    #[must_use]
    pub fn deferral(&self) -> Option<&Deferral> {
        self.deferral.as_ref()
    }

    /// Whether the case's grant waits for deferred materials: decided to grant, with materials
    /// still owed. Its licence is not issued and the decision not delivered until they arrive.
    #[must_use]
    pub fn licence_held(&self) -> bool {
        let granted = self
            .decision()
            .is_some_and(|d| !matches!(d.decision, Decision::Refuse(_)));
        granted && self.deferral().is_some_and(|d| !d.outstanding().is_empty())
    }

    /// The latest date a deferral accepted today may agree to.
    #[must_use]
    pub fn latest_deferral_due(today: Date) -> Date {
        today.saturating_add(Duration::days(MAX_DEFERRAL_DAYS))
    }

    /// The events of a 容缺 act, taken by the clerk now: the agreement and the acceptance for
    /// `accept`, the receipt for `receive`.
    pub(super) fn deferral_events(
        &self,
        act: DeferralAct,
        ctx: &CaseContext<'_>,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let today = ctx.today();
        let by = ctx.actor.clone();
        let event = |act| {
            CaseEvent::Deferral(Box::new(DeferralEvent {
                by: by.clone(),
                on: today,
                act,
            }))
        };
        let events = match act {
            DeferralAct::Accept { materials, due } => {
                let accepted = self.handle(Command::Accept, ctx)?;
                if matches!(
                    accepted.first(),
                    Some(CaseEvent::Accepted { deemed: true, .. })
                ) {
                    return Err(DeferralError::Deemed.into());
                }
                let latest = Self::latest_deferral_due(today);
                if due <= today || due > latest {
                    return Err(DeferralError::DueDate {
                        from: today,
                        latest,
                    }
                    .into());
                }
                let materials = materials.iter().map(|m| m.trim().to_owned()).collect();
                let mut events = vec![event(DeferralAct::Accept { materials, due })];
                events.extend(accepted);
                events
            }
            receive @ DeferralAct::Receive { .. } => vec![event(receive)],
        };
        let mut next = self.clone();
        for e in &events {
            next.evolve(e)?;
        }
        Ok(events)
    }

    /// The fold's check of a 容缺 act (`state::deferral` records it).
    pub(super) fn check_deferral(&self, e: &DeferralEvent) -> Result<(), CaseError> {
        match &e.act {
            DeferralAct::Accept { materials, due } => {
                if self.acceptance().is_some()
                    || self.decision().is_some()
                    || self.deferral.is_some()
                {
                    return Err(CaseError::AlreadyAccepted {
                        on: self.acceptance().map_or(e.on, |a| a.on),
                        step: super::terms::CommandKind::Deferral,
                    });
                }
                if self.notice_issued_on().is_some() && self.supplement_received_on().is_none() {
                    return Err(DeferralError::SupplementOwed.into());
                }
                let listed = &self.received().item.deferrable;
                if listed.is_empty() {
                    return Err(DeferralError::NotListed.into());
                }
                if materials.is_empty()
                    || materials
                        .iter()
                        .enumerate()
                        .any(|(i, m)| materials[..i].contains(m))
                {
                    return Err(DeferralError::BadList.into());
                }
                for m in materials {
                    if !listed.contains(m) {
                        return Err(DeferralError::NotDeferrable {
                            material: m.clone(),
                        }
                        .into());
                    }
                    if self.received().materials.iter().any(|r| r.name == *m) {
                        return Err(DeferralError::AlreadyHere {
                            material: m.clone(),
                        }
                        .into());
                    }
                }
                if *due <= e.on {
                    return Err(DeferralError::DueDate {
                        from: e.on,
                        latest: Self::latest_deferral_due(e.on),
                    }
                    .into());
                }
                Ok(())
            }
            DeferralAct::Receive { materials } => {
                let refused = self
                    .decision()
                    .is_some_and(|d| matches!(d.decision, Decision::Refuse(_)));
                let outstanding = match &self.deferral {
                    Some(d) if !refused && !d.outstanding().is_empty() => d.outstanding(),
                    _ => return Err(DeferralError::NothingOwed.into()),
                };
                if materials.is_empty() {
                    return Err(CaseError::EmptyList("deferred materials"));
                }
                for m in materials {
                    if !outstanding.contains(&m.name.as_str()) {
                        return Err(DeferralError::NotOwed {
                            material: m.name.clone(),
                        }
                        .into());
                    }
                }
                Ok(())
            }
        }
    }

    /// Delivery waits while the licence is held.
    pub(super) fn check_not_held(&self) -> Result<(), CaseError> {
        match self.deferral.as_ref().filter(|_| self.licence_held()) {
            Some(d) => Err(DeferralError::LicenceHeld {
                outstanding: d.outstanding().iter().map(|s| (*s).to_owned()).collect(),
                due: d.due,
            }
            .into()),
            None => Ok(()),
        }
    }

    /// Records a 容缺 act the fold accepted; returns the timeline's words (catalog names and
    /// dates only).
    pub(super) fn record_deferral(&mut self, e: &DeferralEvent) -> String {
        match &e.act {
            DeferralAct::Accept { materials, due } => {
                self.deferral = Some(Deferral {
                    by: e.by.clone(),
                    agreed_on: e.on,
                    due: *due,
                    materials: materials.clone(),
                    received: Vec::new(),
                });
                format!(
                    "容缺受理：申请人书面承诺于{due}前补交{}项材料",
                    materials.len()
                )
            }
            DeferralAct::Receive { materials } => {
                let held = self.licence_held();
                let Some(d) = self.deferral.as_mut() else {
                    return String::new();
                };
                for m in materials {
                    if !d.received.iter().any(|(r, _)| *r == m.name) {
                        d.received.push((m.name.clone(), e.on));
                    }
                }
                let left = d.outstanding().len();
                match (left, held) {
                    (0, true) => "容缺材料已补齐，发放证照".to_owned(),
                    (0, false) => "容缺材料已补齐".to_owned(),
                    (n, _) => format!("收到容缺材料，尚缺{n}项"),
                }
            }
        }
    }
}
