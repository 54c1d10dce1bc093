//! The case desk: what the case page shows of the steps a member of staff may take, the review
//! opinions and the materials, and the confirmation of final steps.
//!
//! A final step (a decision, a non-acceptance, the withdrawal, the delivery) cannot be undone,
//! so its form on the case page only asks for a preview: `GET /cases/{n}/confirm` runs the step
//! without recording it and shows what would be decided and sealed, with a second submit that
//! `POST`s the same fields. Both are plain HTML forms, so the confirmation works without
//! JavaScript; the `POST` carries the session's CSRF token as a form field (a plain form cannot
//! send the header the JSON API wants), checked like the header.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use oneseal_domain::case::{
    AllowedAction, Case, CaseEvent, CaseNumber, Command, CommandKind, Decision, DeliveryMethod,
    NonAcceptance, Reasons, Refusal, Remedies,
};
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth, csrf_matches};
use crate::error::ApiError;
use crate::services::cases::{CaseServiceError, preview_step, take_step};

/// One allowed step as the case page draws its form (a final one, `CommandKind::is_final`,
/// as a form that leads to the confirmation page).
pub struct ActionCard {
    /// The command's `action` tag.
    pub kind: &'static str,
    pub name_zh: &'static str,
    /// An acceptance that will be recorded as deemed (Art. 32(4)).
    pub deemed: bool,
    /// The choices the form offers: (code, Chinese name).
    pub options: Vec<(&'static str, &'static str)>,
    /// Transfer: who the case cannot go to.
    pub not_to: String,
    /// Extension: working days still available, the range of the notification date, and
    /// whether the government head's approval is recorded.
    pub max_days: u32,
    /// The provision the allowance comes from (the item's law, or Art. 42).
    pub allowance_source: String,
    pub notified_from: String,
    pub notified_to: String,
    pub government: bool,
    /// 容缺受理: the listed materials that may follow, and those still owed.
    pub may_follow: Vec<String>,
    pub owed: Vec<String>,
}

impl ActionCard {
    pub fn of(a: &AllowedAction) -> Self {
        let kind = a.kind();
        let mut card = ActionCard {
            kind: kind.code(),
            name_zh: kind.name_zh(),
            deemed: false,
            options: Vec::new(),
            not_to: String::new(),
            max_days: 0,
            allowance_source: String::new(),
            notified_from: String::new(),
            notified_to: String::new(),
            government: false,
            may_follow: Vec::new(),
            owed: Vec::new(),
        };
        match a {
            AllowedAction::Accept { deemed } => card.deemed = *deemed,
            AllowedAction::RefuseAcceptance { grounds } => {
                card.options = grounds.iter().map(|g| (g.code(), g.name_zh())).collect();
            }
            AllowedAction::Review { steps } | AllowedAction::Return { to_steps: steps } => {
                card.options = steps.iter().map(|s| (s.code(), s.name_zh())).collect();
            }
            AllowedAction::Transfer { not_to } => {
                card.not_to = not_to
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("、");
            }
            AllowedAction::StartSpecialProcedure { procedures } => {
                card.options = procedures.iter().map(|p| (p.code(), p.name_zh())).collect();
            }
            AllowedAction::Extend {
                authority,
                max_working_days,
                allowance_source,
                notified_from,
                notified_to,
            } => {
                card.max_days = *max_working_days;
                card.allowance_source.clone_from(allowance_source);
                card.notified_from = notified_from.to_string();
                card.notified_to = notified_to.to_string();
                card.government = matches!(
                    authority,
                    oneseal_domain::case::ExtensionAuthorityKind::GovernmentHead
                );
            }
            AllowedAction::Decide { outcomes } => {
                card.options = outcomes.iter().map(|o| (o.code(), o.name_zh())).collect();
            }
            AllowedAction::Deliver { methods } => {
                card.options = methods.iter().map(|m| (m.code(), m.name_zh())).collect();
            }
            AllowedAction::NotifyExtension { working_days } => card.max_days = *working_days,
            AllowedAction::DecideOnSpot { source } => {
                card.allowance_source.clone_from(source);
            }
            AllowedAction::Deferral {
                may_follow,
                latest_due,
                outstanding,
            } => {
                card.may_follow.clone_from(may_follow);
                card.owed.clone_from(outstanding);
                card.notified_to = latest_due.map(|d| d.to_string()).unwrap_or_default();
            }
            // Drawn by `web::case_hearing`, one form per act.
            AllowedAction::Hearing(_)
            | AllowedAction::OneTimeNotice
            | AllowedAction::Supplement
            | AllowedAction::EndSpecialProcedure
            | AllowedAction::Withdraw => {}
        }
        card
    }

    /// Whether the form offers `code` (a decision's outcome, say).
    pub fn offers(&self, code: &str) -> bool {
        self.options.iter().any(|(c, _)| *c == code)
    }
}

/// One review opinion: when, which step, by whom, and what was found.
pub struct OpinionRow {
    pub on: String,
    pub step: &'static str,
    pub reviewer: String,
    pub substantive: bool,
    /// Returned to this step or an earlier one later: it no longer counts (Art. 34).
    pub superseded: bool,
    pub opinion: String,
}

/// The review opinions of `case`, in order. The case's steps are recorded one per review
/// event in the same order, which is where "superseded" comes from.
pub fn opinions(case: &Case, events: &[CaseEvent]) -> Vec<OpinionRow> {
    events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::ReviewStep {
                step,
                reviewer,
                opinion,
                substantive,
                on,
            } => Some((step, reviewer, opinion, *substantive, *on)),
            _ => None,
        })
        .zip(case.steps())
        .map(
            |((step, reviewer, opinion, substantive, on), record)| OpinionRow {
                on: on.to_string(),
                step: step.name_zh(),
                reviewer: reviewer.as_str().to_owned(),
                substantive,
                superseded: record.superseded,
                opinion: opinion.clone(),
            },
        )
        .collect()
}

/// One material: its name, when it came, and the start of its SHA-256 digest.
pub struct MaterialRow {
    pub name: String,
    pub when: &'static str,
    pub digest: String,
}

/// Materials received at intake and with the supplement (names and digests: the files
/// themselves are not stored yet).
pub fn materials(case: &Case, events: &[CaseEvent]) -> Vec<MaterialRow> {
    let row = |m: &oneseal_domain::case::MaterialRef, when| MaterialRow {
        name: m.name.clone(),
        when,
        digest: m.sha256.as_str().chars().take(16).collect(),
    };
    let mut rows: Vec<MaterialRow> = case
        .received()
        .materials
        .iter()
        .map(|m| row(m, "收件时"))
        .collect();
    for e in events {
        match e {
            CaseEvent::SupplementReceived { materials, .. } => {
                rows.extend(materials.iter().map(|m| row(m, "补正时")));
            }
            CaseEvent::Deferral(d) => {
                if let oneseal_domain::case::DeferralAct::Receive { materials } = &d.act {
                    rows.extend(materials.iter().map(|m| row(m, "容缺补交")));
                }
            }
            _ => {}
        }
    }
    rows
}

/// A final step's fields, as the case page's form and the confirmation page send them.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    /// `decide`: approve or refuse.
    #[serde(default)]
    outcome: String,
    /// `refuse_acceptance`: no_licence_needed, not_competent, materials_not_corrected or
    /// false_materials (Art. 78).
    #[serde(default)]
    ground: String,
    /// Reasons, one per line.
    #[serde(default)]
    reasons: String,
    /// Deferred materials, one per line.
    #[serde(default)]
    materials: String,
    #[serde(default)]
    competent_authority: String,
    #[serde(default)]
    reconsideration: String,
    #[serde(default)]
    litigation: String,
    /// `deliver`: window, post or electronic.
    #[serde(default)]
    method: String,
    /// `decide`/`refuse`: for concealed facts or false materials (Art. 78), when not empty.
    #[serde(default)]
    false_materials: String,
    /// `decide`/`approve`: the 许可范围 granted; empty: the item's default.
    #[serde(default)]
    scope: String,
    /// The session's CSRF token (the `POST` only).
    #[serde(default)]
    csrf: String,
}

/// The same bound as the JSON API's free-text fields (`maxLength` 2000 in `openapi.json`).
const MAX_FIELD: usize = 2000;

fn bad(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, zh, en)
}

fn refused(e: oneseal_domain::case::CaseError) -> ApiError {
    CaseServiceError::Refused(e).into()
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

impl StepForm {
    /// The fields to send again with the confirmation (everything but the token).
    fn fields(&self) -> Vec<(&'static str, String)> {
        [
            ("action", &self.action),
            ("outcome", &self.outcome),
            ("ground", &self.ground),
            ("reasons", &self.reasons),
            ("materials", &self.materials),
            ("competent_authority", &self.competent_authority),
            ("reconsideration", &self.reconsideration),
            ("litigation", &self.litigation),
            ("method", &self.method),
            ("false_materials", &self.false_materials),
            ("scope", &self.scope),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.clone()))
        .collect()
    }

    /// The command the fields describe: only final steps come this way.
    fn command(&self) -> Result<Command, ApiError> {
        if self
            .fields()
            .iter()
            .any(|(_, v)| v.chars().count() > MAX_FIELD)
        {
            return Err(bad(
                "too_long",
                format!("填写内容过长（每项最多{MAX_FIELD}字）"),
                format!("A field is longer than {MAX_FIELD} characters"),
            ));
        }
        let kind = CommandKind::from_code(&self.action)
            .filter(|k| k.is_final())
            .ok_or_else(|| {
                bad(
                    "bad_step",
                    "没有这个需要确认的办理步骤",
                    "No such step to confirm",
                )
            })?;
        let remedies =
            || Remedies::new(self.reconsideration.trim(), self.litigation.trim()).map_err(refused);
        let reasons = || Reasons::new(lines(&self.reasons)).map_err(refused);
        Ok(match kind {
            CommandKind::Decide => Command::Decide {
                decision: match self.outcome.as_str() {
                    "approve" => Decision::Approve {
                        scope: Some(self.scope.trim().to_owned()).filter(|s| !s.is_empty()),
                    },
                    "refuse" => {
                        let r = Refusal::new(lines(&self.reasons), remedies()?).map_err(refused)?;
                        Decision::Refuse(if self.false_materials.is_empty() {
                            r
                        } else {
                            r.for_false_materials()
                        })
                    }
                    _ => return Err(bad("bad_outcome", "请选择决定结果", "Choose an outcome")),
                },
            },
            CommandKind::RefuseAcceptance => Command::RefuseAcceptance {
                outcome: match self.ground.as_str() {
                    "no_licence_needed" => NonAcceptance::NoLicenceNeeded {
                        reasons: reasons()?,
                    },
                    "not_competent" => NonAcceptance::NotCompetent {
                        reasons: reasons()?,
                        competent_authority: self.competent_authority.trim().to_owned(),
                        remedies: remedies()?,
                    },
                    "materials_not_corrected" => NonAcceptance::MaterialsNotCorrected {
                        reasons: reasons()?,
                        remedies: remedies()?,
                    },
                    "false_materials" => NonAcceptance::FalseMaterials {
                        reasons: reasons()?,
                        remedies: remedies()?,
                    },
                    _ => {
                        return Err(bad(
                            "bad_ground",
                            "请选择不予受理的情形",
                            "Choose the ground",
                        ));
                    }
                },
            },
            CommandKind::DecideOnSpot => Command::DecideOnSpot,
            CommandKind::Deliver => Command::Deliver {
                method: DeliveryMethod::ALL
                    .into_iter()
                    .find(|m| m.code() == self.method)
                    .ok_or_else(|| bad("bad_method", "请选择送达方式", "Choose a method"))?,
            },
            _ => Command::Withdraw,
        })
    }
}

/// The confirmation page: the preview of a final step and its second submit.
#[derive(Template)]
#[template(path = "case_confirm.html")]
struct ConfirmPage {
    nav: Nav,
    number: String,
    step_zh: &'static str,
    bureau: String,
    item: String,
    applicant_kind: &'static str,
    applicant: String,
    document: Option<&'static str>,
    lines: Vec<(&'static str, String)>,
    /// The seal that will sign (name and esID), or why none can.
    seal: Option<String>,
    seal_error: Option<String>,
    refused: Option<String>,
    fields: Vec<(&'static str, String)>,
    csrf: String,
}

fn parse_number(s: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(s)
        .map_err(|e| ApiError::bad_request("bad_case_number", e.reason_zh(), e.to_string()))
}

pub async fn confirm_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    Query(form): Query<StepForm>,
) -> Result<Html<String>, WebError> {
    let number = parse_number(&number)?;
    let command = form.command()?;
    let p = preview_step(&state.store, auth.asking(&state), number, command)
        .await
        .map_err(ApiError::from)?;
    let (seal, seal_error) = match p.seal {
        Some(Ok(s)) => (Some(format!("{}（esID {}）", s.name, s.es_id)), None),
        Some(Err(e)) => (None, Some(ApiError::from(e).parts().1)),
        None => (None, None),
    };
    render(&ConfirmPage {
        nav: Nav::from_auth(Some(&auth)),
        number: p.case_number,
        step_zh: p.step.name_zh(),
        bureau: p.bureau,
        item: format!("{}（{}）", p.item_name, p.item_code),
        applicant_kind: p.applicant_kind,
        applicant: p.applicant,
        document: p.document,
        lines: p.lines,
        seal,
        seal_error,
        refused: p.refused.map(|e| e.message_zh()),
        fields: form.fields(),
        csrf: auth.csrf.clone().unwrap_or_default(),
    })
}

/// The second submit: the step is taken, then the case page shows it (303, so a reload does
/// not send it again).
pub async fn confirm_step(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Path(number): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    if !csrf_matches(Some(form.csrf.as_bytes()), auth.csrf.as_deref()) {
        return Err(ApiError::Csrf.into());
    }
    let number = parse_number(&number)?;
    let command = form.command()?;
    let kind = command.kind();
    let asking = auth.asking(&state);
    take_step(
        &state.store,
        &state.seal_keys,
        asking,
        number.clone(),
        command,
    )
    .await
    .map_err(ApiError::from)?;
    Ok(Redirect::to(&format!("/cases/{number}?done={}", kind.code())).into_response())
}
