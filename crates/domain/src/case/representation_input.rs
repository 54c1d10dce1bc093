//! The representation as typed, checked field by field (issue #19 item 3).
//!
//! Apart from [`Representation`](super::Representation) itself so that the receipt's types
//! need nothing from the intake form's checks: the form's fields and their problems
//! ([`super::intake_field`]) are used here, and the receipt only keeps the result.

use std::fmt;

use super::event::Channel;
use super::ids::Sha256Digest;
use super::intake_field::{FieldError, IntakeField, PERSON_NAME_MAX};
use super::person::{Applicant, IdNumber};
use super::representation::{ConsentMethod, Representation, RepresentationRequest};

/// The representation as typed: every field text. All empty means the applicant files in
/// person.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RepresentationInput {
    /// `agent`, `on_behalf`, or empty (`self` also means in person).
    pub kind: String,
    /// The agent's name.
    pub agent_name: String,
    /// The agent's ID number.
    pub agent_id_number: String,
    /// SHA-256 hex of the authorisation's file.
    pub authorisation_sha256: String,
    /// `signed_form` or `verbal_at_window`.
    pub consent: String,
}

impl fmt::Debug for RepresentationInput {
    /// Only the kind: the rest is personal data, even when mistyped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RepresentationInput")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

fn err(field: IntakeField, code: &'static str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, code, zh.into(), en.into())
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl RepresentationInput {
    fn agent_fields_given(&self) -> bool {
        !(blank(&self.agent_name)
            && blank(&self.agent_id_number)
            && blank(&self.authorisation_sha256))
    }

    /// Checks the representation of an application by `channel` for `applicant` (when the
    /// applicant's own fields checked out), pushing every problem onto `errors`.
    pub(crate) fn check_into(
        &self,
        channel: Option<Channel>,
        applicant: Option<&Applicant>,
        errors: &mut Vec<FieldError>,
    ) -> Option<RepresentationRequest> {
        match self.kind.trim() {
            "" | "self" => {
                if self.agent_fields_given() || !blank(&self.consent) {
                    errors.push(err(
                        IntakeField::RepresentationKind,
                        "required",
                        "填写了代理或代办信息，请选择由谁提交（委托代理或帮办代办）",
                        "representation.kind is required when its other fields are given",
                    ));
                }
                None
            }
            "agent" => self.agent(applicant, errors),
            "on_behalf" => self.on_behalf(channel, errors),
            _ => {
                errors.push(err(
                    IntakeField::RepresentationKind,
                    "invalid_choice",
                    "由谁提交应为“本人办理”“委托代理”或“帮办代办”",
                    "representation.kind must be self, agent or on_behalf",
                ));
                None
            }
        }
    }

    fn agent(
        &self,
        applicant: Option<&Applicant>,
        errors: &mut Vec<FieldError>,
    ) -> Option<RepresentationRequest> {
        let before = errors.len();
        let name =
            super::intake_field::name(IntakeField::AgentName, &self.agent_name, PERSON_NAME_MAX)
                .map_err(|e| errors.push(e))
                .ok();
        let id: String = self
            .agent_id_number
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let id_number = if id.is_empty() {
            errors.push(err(
                IntakeField::AgentIdNumber,
                "required",
                "请填写委托代理人的居民身份证号码",
                "representation.agent_id_number is required",
            ));
            None
        } else {
            IdNumber::parse(&id)
                .map_err(|e| {
                    errors.push(FieldError::new(
                        IntakeField::AgentIdNumber,
                        "invalid_id_number",
                        e.reason_zh(),
                        e.to_string(),
                    ));
                })
                .ok()
        };
        if let (Some(id), Some(Applicant::NaturalPerson { id_number, .. })) =
            (&id_number, applicant)
            && id == id_number
        {
            errors.push(err(
                IntakeField::AgentIdNumber,
                "agent_is_applicant",
                "委托代理人不能是申请人本人；本人办理请选择“本人办理”",
                "the agent cannot be the applicant",
            ));
        }
        let digest = self.authorisation_sha256.trim();
        let authorisation = if digest.is_empty() {
            errors.push(err(
                IntakeField::Authorisation,
                "authorisation_required",
                "委托代理须提交申请人签署的授权委托书",
                "an agent files only with the applicant's authorisation (授权委托书)",
            ));
            None
        } else {
            Sha256Digest::parse(digest)
                .map_err(|e| {
                    errors.push(FieldError::new(
                        IntakeField::Authorisation,
                        "invalid_sha256",
                        e.reason_zh(),
                        e.to_string(),
                    ));
                })
                .ok()
        };
        if !blank(&self.consent) {
            errors.push(err(
                IntakeField::Consent,
                "not_applicable",
                "委托代理不填写帮办代办的同意方式",
                "representation.consent is for on_behalf only",
            ));
        }
        if errors.len() > before {
            return None;
        }
        Some(RepresentationRequest::Agent {
            name: name?,
            id_number: id_number?,
            authorisation: authorisation?,
        })
    }

    fn on_behalf(
        &self,
        channel: Option<Channel>,
        errors: &mut Vec<FieldError>,
    ) -> Option<RepresentationRequest> {
        let before = errors.len();
        if channel == Some(Channel::Online) {
            errors.push(err(
                IntakeField::RepresentationKind,
                "on_behalf_window_only",
                "帮办代办只在大厅窗口办理；网上申请由申请人本人或其委托代理人提交",
                "on_behalf is for window applications only",
            ));
        }
        if self.agent_fields_given() {
            errors.push(err(
                IntakeField::AgentName,
                "not_applicable",
                "帮办代办不填写委托代理人；有委托书请选择“委托代理”",
                "agent fields are for kind agent only",
            ));
        }
        let consent = match self.consent.trim() {
            "signed_form" => Some(ConsentMethod::SignedForm),
            "verbal_at_window" => Some(ConsentMethod::VerbalAtWindow),
            "" => {
                errors.push(err(
                    IntakeField::Consent,
                    "consent_required",
                    "帮办代办须经申请人同意，请选择申请人同意的方式",
                    "on_behalf needs the applicant's consent (signed_form or verbal_at_window)",
                ));
                None
            }
            _ => {
                errors.push(err(
                    IntakeField::Consent,
                    "invalid_choice",
                    "同意方式应为“签字确认”或“当面口头同意”",
                    "representation.consent must be signed_form or verbal_at_window",
                ));
                None
            }
        };
        if errors.len() > before {
            return None;
        }
        consent.map(|consent| RepresentationRequest::OnBehalf { consent })
    }
}

/// Records `representation` on the receipt among `events` (the way a bundle link is).
pub fn record_on_receipt(events: &mut [super::CaseEvent], representation: &Representation) {
    for e in events {
        if let super::CaseEvent::Received(r) = e {
            r.representation = Some(representation.clone());
        }
    }
}
