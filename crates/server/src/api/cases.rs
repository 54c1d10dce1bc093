//! Cases over HTTP: intake, the queue sorted by remaining working days, a case with its legal
//! clocks, one endpoint per procedural step, and the public progress query.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::{
    AllowedAction, Applicant, Case, CaseNumber, Channel, Command, MaterialRef, QueryCode,
    allowed_actions,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::guesses::ClientAddr;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::cases::{
    Acting, IntakeRequest, StepOutcome, find_progress, intake, load, queue, step_receipts,
    take_step,
};
use crate::services::catalog::find_item;
use crate::services::masking::{applicant_view, events_view};

fn parse_number(s: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(s).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })
}

fn acting(auth: &Auth, state: &AppState, number: Option<&CaseNumber>) -> Result<Acting, ApiError> {
    let jurisdiction = number.map_or_else(
        || auth.principal.jurisdiction.clone(),
        |n| n.division().clone(),
    );
    auth.acting(state, jurisdiction)
}

#[derive(Debug, Deserialize)]
pub struct IntakeBody {
    pub item_code: String,
    pub channel: Channel,
    pub applicant: Applicant,
    #[serde(default)]
    pub materials: Vec<MaterialRef>,
    #[serde(default)]
    pub joint_handling: bool,
}

pub async fn create_case(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let j = auth.principal.jurisdiction.clone();
    let code = body.item_code.clone();
    let item = state
        .store
        .lookup(move |c| find_item(c, &j, &code).map_err(ApiError::from))
        .await?
        .map(|(i, _)| i)
        .ok_or_else(|| {
            ApiError::bad_request(
                "unknown_item",
                "本辖区目录中没有该事项编码",
                "No such item code in this jurisdiction's catalog",
            )
        })?;
    let mut random = [0u8; QueryCode::RANDOM_BYTES];
    getrandom::fill(&mut random).map_err(|e| ApiError::Internal(e.to_string()))?;
    let query_code = QueryCode::from_random(random);
    let (st, auth2, code) = (state.clone(), auth.clone(), query_code.clone());
    let (number, idx) = state
        .store
        .write(move |tx| {
            let who = acting(&auth2, &st, None)?;
            let req = IntakeRequest {
                item,
                joint_handling: body.joint_handling,
                channel: body.channel,
                applicant: body.applicant,
                materials: body.materials,
            };
            Ok::<_, ApiError>(intake(tx, &who, req, &code)?)
        })
        .await?;
    // The only time the code is shown: the case keeps its keyed digest alone.
    Ok(Json(
        json!({ "case_number": number, "query_code": query_code.grouped(), "ledger_index": idx }),
    ))
}

pub async fn act_on_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    ApiJson(command): ApiJson<Command>,
) -> Result<Json<StepOutcome>, ApiError> {
    let number = parse_number(&number)?;
    auth.require(
        command.kind().access_action(),
        &Target::jurisdiction(number.division()),
    )?;
    let who = acting(&auth, &state, Some(&number))?;
    Ok(Json(
        take_step(&state.store, &state.seal_keys, who, number, command).await?,
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
    let (case, events) = state.store.read(move |c| load(c, &n)).await?;
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
    });
    if let (Value::Object(m), Value::Object(c)) = (&mut v, clock_json(&case, &state)) {
        m.extend(c);
    }
    Ok(Json(v))
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub include_closed: bool,
}

/// The jurisdiction's cases, open ones first, sorted by remaining working days.
pub async fn list_cases(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<QueueQuery>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCases)?;
    let j = auth.principal.jurisdiction.clone();
    let (calendar, today) = (
        state.calendar.current(),
        oneseal_domain::case::legal_date(state.clock.now()),
    );
    let entries = state
        .store
        .read(move |c| queue(c, &j, q.include_closed, &calendar, today))
        .await?;
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            let (case, r) = (&e.case, e.case.received());
            json!({
                "case_number": r.case_number,
                "status": case.status().code(),
                "status_zh": case.status().name_zh(),
                "item": r.item.name,
                "item_code": r.item.basic_code,
                "applicant": r.applicant.public_label(),
                "remaining_working_days": e.remaining,
                "card": e.clock.as_ref().map(|c| c.card),
            })
        })
        .collect();
    Ok(Json(json!({ "cases": rows })))
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
