//! Cases over HTTP: intake (field by field, once per `Idempotency-Key`), the queue a page at a
//! time (filtered and searched), a case with its legal clocks, one endpoint per procedural step,
//! and the public progress query.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::{
    AllowedAction, ApplicantInput, Case, CaseNumber, CaseStatus, Command, IntakeInput,
    RepresentationInput, allowed_actions,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::guesses::ClientAddr;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::cases::{
    CaseServiceError, StepOutcome, find_progress, load, register_once, step_receipts, take_step,
};
use crate::services::idempotency::{IdempotencyError, IdempotencyKey};
use crate::services::masking::{applicant_view, events_view};
use crate::services::queue::{QueueParams, parse_queue, queue};

fn parse_number(s: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(s).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })
}

/// The intake body as sent: every field optional text, so that each missing or bad field is
/// reported by name (`domain::case::IntakeInput::check`), not the first one serde trips on.
#[derive(Debug, Default, Deserialize)]
pub struct IntakeBody {
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub applicant: Option<ApplicantBody>,
    #[serde(default)]
    pub materials: Option<Vec<MaterialBody>>,
    /// 委托代理 or 帮办代办 (issue #19 item 3); absent when the applicant files in person.
    #[serde(default)]
    pub representation: Option<RepresentationBody>,
    #[serde(default)]
    pub joint_handling: Option<bool>,
    /// An online application's submission time on the platform (RFC 3339, Art. 33).
    #[serde(default)]
    pub submitted_at: Option<String>,
    /// The applicant accepts the item's 告知承诺 (issue #19 item 5).
    #[serde(default)]
    pub commitment: Option<bool>,
    /// A "one thing" application: the items (basic codes) whose 告知承诺 the applicant signs.
    #[serde(default)]
    pub commitments: Option<Vec<String>>,
}

/// A natural person (`id_number`, `phone`) or an organisation (`uscc`, `contact_phone`).
#[derive(Default, Deserialize)]
pub struct ApplicantBody {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub uscc: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// 住所 / 经营场所 (optional).
    #[serde(default)]
    pub address: Option<String>,
}

impl std::fmt::Debug for ApplicantBody {
    /// Personal data stays out of any log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApplicantBody")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Who files for the applicant: `kind` `agent` (with the agent and the authorisation's
/// digest) or `on_behalf` (with the applicant's `consent`).
#[derive(Default, Deserialize)]
pub struct RepresentationBody {
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub agent_name: Option<String>,
    #[serde(default)]
    pub agent_id_number: Option<String>,
    #[serde(default)]
    pub authorisation_sha256: Option<String>,
    #[serde(default)]
    pub consent: Option<String>,
}

impl std::fmt::Debug for RepresentationBody {
    /// The agent's name and ID number stay out of any log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepresentationBody")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl RepresentationBody {
    pub(crate) fn into_input(self) -> RepresentationInput {
        RepresentationInput {
            kind: self.kind.unwrap_or_default(),
            agent_name: self.agent_name.unwrap_or_default(),
            agent_id_number: self.agent_id_number.unwrap_or_default(),
            authorisation_sha256: self.authorisation_sha256.unwrap_or_default(),
            consent: self.consent.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct MaterialBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
}

impl IntakeBody {
    pub(crate) fn into_input(self) -> IntakeInput {
        let a = self.applicant.unwrap_or_default();
        let kind = a.kind.unwrap_or_default();
        let phone = if kind == "organisation" {
            a.contact_phone
        } else {
            a.phone
        };
        IntakeInput {
            item_code: self.item_code.unwrap_or_default(),
            channel: self.channel.unwrap_or_default(),
            applicant: ApplicantInput {
                kind,
                name: a.name.unwrap_or_default(),
                id_number: a.id_number.unwrap_or_default(),
                uscc: a.uscc.unwrap_or_default(),
                phone: phone.unwrap_or_default(),
                address: a.address.unwrap_or_default(),
            },
            materials: self
                .materials
                .unwrap_or_default()
                .into_iter()
                .map(|m| (m.name.unwrap_or_default(), m.sha256.unwrap_or_default()))
                .collect(),
            commitment: self.commitment.unwrap_or(false),
            commitments: self.commitments.unwrap_or_default(),
            representation: self
                .representation
                .map(RepresentationBody::into_input)
                .unwrap_or_default(),
        }
    }
}

/// The `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header), if sent.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    headers
        .get(IDEMPOTENCY_KEY)
        .map(|v| {
            let text = v.to_str().map_err(|_| IdempotencyError::BadKey)?;
            IdempotencyKey::parse(text)
        })
        .transpose()
        .map_err(ApiError::from)
}

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

pub async fn create_case(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<Response, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let key = idempotency_key(&headers)?;
    let joint = body.joint_handling.unwrap_or(false);
    // Art. 33: the platform's submission time is the receipt time (`case::submission`).
    let submitted_at = body
        .submitted_at
        .as_deref()
        .map(oneseal_domain::case::submission::parse_submitted_at)
        .transpose()
        .map_err(|e| CaseServiceError::Refused(e.into()))?;
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    let receipt = register_once(
        &state.store,
        who,
        body.into_input(),
        joint,
        key,
        submitted_at,
    )
    .await?;
    // The only time the code is shown: the case keeps its keyed digest alone.
    let body = Json(json!({
        "case_number": receipt.case_number,
        "query_code": receipt.query_code.grouped(),
        "ledger_index": receipt.ledger_index,
    }));
    if receipt.replayed {
        Ok(([(IDEMPOTENT_REPLAYED, "true")], body).into_response())
    } else {
        Ok(body.into_response())
    }
}

/// Answer header of a repeated request: this is the first request's answer, nothing new.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

pub async fn act_on_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    ApiJson(command): ApiJson<Command>,
) -> Result<Json<StepOutcome>, ApiError> {
    let number = parse_number(&number)?;
    let asking = auth.asking(&state);
    Ok(Json(
        take_step(&state.store, &state.seal_keys, asking, number, command).await?,
    ))
}

/// The steps the caller may take now, each with its `action` tag, its Chinese name, whether the
/// desk asks to confirm it (`confirm`: final steps) and the choices its form may offer.
fn actions_json(actions: &[AllowedAction]) -> Result<Value, ApiError> {
    actions
        .iter()
        .map(|a| {
            let mut v = serde_json::to_value(a).map_err(|e| ApiError::Internal(e.to_string()))?;
            if let Some(m) = v.as_object_mut() {
                m.insert("name_zh".into(), a.kind().name_zh().into());
                m.insert("confirm".into(), a.kind().is_final().into());
            }
            Ok(v)
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn clock_json(case: &Case, state: &AppState) -> Value {
    let today = oneseal_domain::case::legal_date(state.clock.now());
    match case.clock(&state.calendar.current(), today) {
        Ok(c) => json!({ "clock": c, "explanation_zh": c.to_chinese() }),
        Err(e) => json!({ "clock_error": { "code": e.code(), "message_zh": e.message_zh() } }),
    }
}

pub async fn get_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let number = parse_number(&number)?;
    auth.require(Action::ViewCases, &Target::jurisdiction(number.division()))?;
    let n = number.clone();
    let (case, events, files) = state
        .store
        .read(move |c| {
            let (case, events) = load(c, &n)?;
            let files = crate::services::materials::received(c, &n)?;
            Ok::<_, crate::services::cases::CaseServiceError>((case, events, files))
        })
        .await?;
    let files: Vec<Value> = files
        .into_iter()
        .map(|m| {
            let href = format!("/api/v1/cases/{number}/materials/{}", m.sha256);
            let mut v = serde_json::to_value(m).unwrap_or(Value::Null);
            v["href"] = json!(href);
            v
        })
        .collect();
    let roles = &auth.principal.roles;
    let events = events_view(&events, roles).map_err(|e| ApiError::Internal(e.to_string()))?;
    let allowed = allowed_actions(
        &case,
        &auth.principal,
        state.clock.now(),
        &state.calendar.current(),
    );
    let mut v = json!({
        "case_number": number,
        "status": case.status().code(),
        "status_zh": case.status().name_zh(),
        "item": { "code": case.received().item.basic_code, "name": case.received().item.name },
        "applicant": case.received().applicant.public_label(),
        "applicant_contact": applicant_view(&case.received().applicant, roles),
        "events": events,
        "allowed_actions": actions_json(&allowed)?,
        "materials": files,
    });
    if let (Value::Object(m), Value::Object(c)) = (&mut v, clock_json(&case, &state)) {
        m.extend(c);
    }
    Ok(Json(v))
}

/// One page of the jurisdiction's cases in case-number order, filtered and searched
/// (`services::cases::queue`); closed cases with `include_closed`, or whenever searching.
pub async fn list_cases(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<QueueParams>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCases)?;
    let req = parse_queue(&params, &auth.principal.jurisdiction)?;
    let (calendar, today) = (
        state.calendar.current(),
        oneseal_domain::case::legal_date(state.clock.now()),
    );
    let view = state
        .store
        .read(move |c| queue(c, &req, &calendar, today))
        .await?;
    let rows: Vec<Value> = view
        .entries
        .iter()
        .map(|e| {
            let r = &e.row;
            let status = u8::try_from(r.status).ok().and_then(CaseStatus::from_code);
            json!({
                "case_number": r.case_number,
                "status": r.status,
                "status_zh": status.map(CaseStatus::name_zh),
                "item": r.item_name,
                "item_code": r.item_code,
                "applicant": r.applicant_label,
                "channel": r.channel,
                "received_on": r.received_on,
                "decided_on": r.decided_on,
                "assignee": r.assignee,
                "closed": r.closed,
                "remaining_working_days": e.remaining,
                "card": e.clock.as_ref().map(|c| c.card),
            })
        })
        .collect();
    Ok(Json(json!({
        "cases": rows,
        "next_cursor": view.links.next_cursor,
        "prev_cursor": view.links.prev_cursor,
    })))
}

#[derive(Debug, Deserialize)]
pub struct ProgressQuery {
    pub case: String,
    pub code: String,
}

/// The public progress query (no sign-in, no personal data): case number + query code.
pub async fn public_progress(
    State(state): State<AppState>,
    client: ClientAddr,
    Query(q): Query<ProgressQuery>,
) -> Result<Json<Value>, ApiError> {
    let calendar = state.calendar.current();
    let progress = find_progress(&state.public_query(&calendar), client, &q.case, &q.code).await?;
    let number = progress.case_number.to_string();
    let receipts = state.store.read(move |c| step_receipts(c, &number)).await?;
    let mut v = serde_json::to_value(progress).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Some(m) = v.as_object_mut() {
        m.insert(
            "receipts".into(),
            serde_json::to_value(receipts).map_err(|e| ApiError::Internal(e.to_string()))?,
        );
    }
    Ok(Json(v))
}
