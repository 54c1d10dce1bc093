//! Cases over HTTP: intake, the queue sorted by remaining working days, a case with its legal
//! clocks, one endpoint per procedural step, and the public progress query.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::case::{Applicant, Case, CaseNumber, Channel, Command, MaterialRef, QueryCode};
use oneseal_domain::org::Role;
use oneseal_store::{Conn, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::guesses::ClientAddr;
use crate::error::{ApiError, ApiJson};
use crate::services::cases::{
    Acting, IntakeRequest, act, case_error, intake, load, may_seal, presign,
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
    Ok(Acting {
        staff: auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?,
        roles: auth.principal.roles.clone(),
        now: state.clock.now(),
        calendar: state.calendar.current(),
        jurisdiction: number.map_or_else(
            || auth.principal.jurisdiction.clone(),
            |n| n.division().clone(),
        ),
        secrets: state.case_secrets()?,
    })
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
            intake(tx, &who, req, &code)
        })
        .await?;
    // The only time the code is shown: the case keeps its keyed digest alone.
    Ok(Json(
        json!({ "case_number": number, "query_code": query_code.grouped(), "ledger_index": idx }),
    ))
}

/// The access action a command's role maps to.
fn action_for(role: Role) -> Action {
    match role {
        Role::Reviewer => Action::ReviewCase,
        Role::Approver => Action::DecideCase,
        Role::BureauHead => Action::ApproveExtension,
        _ => Action::AcceptCase,
    }
}

pub async fn act_on_case(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    ApiJson(command): ApiJson<Command>,
) -> Result<Json<crate::services::cases::StepOutcome>, ApiError> {
    let number = parse_number(&number)?;
    auth.require(
        action_for(command.required_role()),
        &Target::jurisdiction(number.division()),
    )?;
    let who = acting(&auth, &state, Some(&number))?;
    let presigned = if may_seal(&command) {
        let (st, w, n, c) = (state.clone(), who.clone(), number.clone(), command.clone());
        // Any failure here is the writer's to report: it runs the command for real.
        state
            .store
            .read_committed(move |conn| presign(conn, &w, &n, c, &st.seal_keys))
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let (st, n2) = (state.clone(), number.clone());
    let result = state
        .store
        .write(move |tx| act(tx, &who, &n2, command, &st.seal_keys, presigned))
        .await;
    if let Err(ApiError::Conflict { code, en, .. }) = &result
        && code.starts_with("seal_")
    {
        record_refused_seal_use(&state, &auth, &number, en).await?;
    }
    Ok(Json(result?))
}

/// A refused use of a seal is itself recorded, in its own transaction (the refused step rolled back).
async fn record_refused_seal_use(
    state: &AppState,
    auth: &Auth,
    number: &CaseNumber,
    reason: &str,
) -> Result<(), ApiError> {
    let (st, a, n, why) = (
        state.clone(),
        auth.clone(),
        number.clone(),
        reason.to_owned(),
    );
    state
        .store
        .write(move |tx| {
            let who = acting(&a, &st, Some(&n))?;
            let es_id = crate::services::sealing::registry(tx.conn(), n.division().as_str())?
                .into_iter()
                .find(|s| s.record.kind == oneseal_domain::seal::SealKind::BureauApproval)
                .map(|s| s.record.es_id)
                .unwrap_or_default();
            let meta = crate::services::commands::Meta {
                time: who.now,
                jurisdiction: who.jurisdiction.clone(),
                actor: oneseal_domain::event::Actor::Staff(who.staff.clone()),
            };
            meta.record(
                tx,
                &oneseal_domain::event::Event::SealUseRefused {
                    es_id,
                    reason: format!("case {n}: {why}"),
                },
            )
        })
        .await?;
    Ok(())
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
    let mut v = json!({
        "case_number": number,
        "status": case.status().code(),
        "status_zh": case.status().name_zh(),
        "item": { "code": case.received().item.basic_code, "name": case.received().item.name },
        "applicant": case.received().applicant.public_label(),
        "applicant_contact": applicant_view(&case.received().applicant, roles),
        "events": events,
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
    let numbers: Vec<String> = state
        .store
        .read(move |c| {
            c.query(
                "SELECT case_number FROM cases WHERE jurisdiction = ? AND (closed = 0 OR ? = 1) ORDER BY case_number",
                params![j.as_str(), q.include_closed],
            )?
            .into_iter()
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::from)
        })
        .await?;
    let mut rows = Vec::new();
    for n in numbers {
        let number = parse_number(&n)?;
        let (case, _) = state.store.read(move |c| load(c, &number)).await?;
        let today = oneseal_domain::case::legal_date(state.clock.now());
        let clock = case.clock(&state.calendar.current(), today).ok();
        let remaining = clock
            .as_ref()
            .and_then(|c| c.decision.as_ref())
            .map(|d| d.remaining_statutory);
        rows.push((
            remaining.unwrap_or(i64::MAX),
            json!({
                "case_number": n,
                "status": case.status().code(),
                "status_zh": case.status().name_zh(),
                "item": case.received().item.name,
                "item_code": case.received().item.basic_code,
                "applicant": case.received().applicant.public_label(),
                "remaining_working_days": remaining,
                "card": clock.as_ref().map(|c| c.card),
            }),
        ));
    }
    rows.sort_by_key(|(r, _)| *r);
    Ok(Json(
        json!({ "cases": rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>() }),
    ))
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
    let progress = find_progress(&state, client, &q.case, &q.code).await?;
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

/// Where one public step of a case is on its log, with the address of its tlog-proof receipt.
#[derive(Debug, Clone, Serialize)]
pub struct StepReceipt {
    pub seq: i64,
    pub kind: String,
    pub log: String,
    pub index: u64,
    pub receipt: String,
}

/// The public steps' ledger places (internal hand-overs and returns left out, as on the page).
pub fn step_receipts(c: &mut dyn Conn, number: &str) -> Result<Vec<StepReceipt>, ApiError> {
    c.query(
        "SELECT seq, kind, log, idx FROM case_entries WHERE case_number = ? \
         AND kind NOT IN ('transferred', 'returned') ORDER BY seq",
        params![number],
    )?
    .into_iter()
    .map(|r| {
        let (log, index) = (r.text(2)?, r.u64(3)?);
        Ok(StepReceipt {
            seq: r.int(0)?,
            kind: r.text(1)?,
            receipt: format!("/api/v1/log/{log}/receipt/{index}"),
            log,
            index,
        })
    })
    .collect()
}

/// A case's public progress, if the query code matches; the same `NotFound` for an unknown case
/// and a wrong code, so the number alone reveals nothing. A client that has guessed wrong too
/// often gets 429 without a look.
pub async fn find_progress(
    state: &AppState,
    client: ClientAddr,
    case: &str,
    code: &str,
) -> Result<oneseal_domain::case::PublicProgress, ApiError> {
    let now = state.clock.now();
    if state.guesses.blocked(client, now) {
        return Err(ApiError::TooManyRequests);
    }
    let not_found = || {
        state.guesses.failed(client, now);
        ApiError::NotFound("case")
    };
    let number = CaseNumber::parse(case).map_err(|_| not_found())?;
    let secrets = state.case_secrets()?;
    let n = number.clone();
    let found = state
        .store
        .read(move |c| {
            c.query_one(
                "SELECT query_code_hash FROM cases WHERE case_number = ?",
                params![n.as_str()],
            )
            .map_err(ApiError::from)
        })
        .await?;
    let stored = found
        .map(|r| r.text(0))
        .transpose()?
        .ok_or_else(not_found)?;
    if !secrets.matches(&stored, code) {
        return Err(not_found());
    }
    let (case, _) = state.store.read(move |c| load(c, &number)).await?;
    let today = oneseal_domain::case::legal_date(state.clock.now());
    case.public_progress(&state.calendar.current(), today)
        .map_err(case_error)
}
