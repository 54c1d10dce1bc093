//! Joint review over HTTP (会签 / 联合审查 / 现场核查): a reviewer asks departments for their
//! opinion on a case, the bureau's staff read a case's opinions, a department lists the requests
//! to it and answers. Each handler authorizes and calls `services::consultations`; a
//! department's attempt on another's request (or on an unknown id) is recorded like a push's.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::Denied;
use oneseal_domain::case::CaseNumber;
use oneseal_domain::consultation::{CLOCK_NOTE_ZH, Opinion, Opinionated};
use oneseal_domain::event::Actor;
use oneseal_domain::linkage::Claimant;
use oneseal_domain::org::Role;
use oneseal_store::consultations::ConsultationRow;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::consultations::{
    self as svc, AnswerRequest, AskRequest, ConsultationServiceError as E,
};
use crate::services::linkage::Refusal;
use crate::services::linkage::refusals::{Aim, record_refusal};
use crate::services::paging::parse_limit;

fn parse_number(s: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(s).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskBody {
    pub departments: Vec<String>,
    pub question: String,
    pub due_working_days: u32,
}

/// A reviewer asks one or more departments for their opinion (one consultation each).
pub async fn ask_consultation(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<AskBody>,
) -> Result<Json<Value>, ApiError> {
    let number = parse_number(&number)?;
    let calendar = state.calendar.current();
    let req = AskRequest {
        number,
        departments: body.departments,
        question: body.question,
        due_working_days: body.due_working_days,
        now: state.clock.now(),
    };
    let principal = auth.principal.clone();
    let v = state
        .store
        .write(move |tx| svc::ask(tx, &principal, &calendar, req))
        .await?;
    Ok(Json(v))
}

/// A row as the API shows it, with the names of its codes.
pub(crate) fn row_json(r: &ConsultationRow) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    let status = match r.status.as_str() {
        "answered" => "已答复",
        "answered_late" => "逾期答复",
        _ => "待答复",
    };
    v["status_zh"] = json!(status);
    v["opinion_zh"] = json!(
        r.opinion
            .as_deref()
            .and_then(Opinion::parse)
            .map(Opinion::name_zh)
    );
    v
}

/// A case's consultations and what they mean for the clock, for the bureau's staff.
pub async fn list_case_consultations(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let number = parse_number(&number)?;
    let principal = auth.principal.clone();
    let n = number.clone();
    let rows = state
        .store
        .read(move |c| svc::for_case(c, &principal, &n))
        .await?;
    Ok(Json(json!({
        "case_number": number,
        "consultations": rows.iter().map(row_json).collect::<Vec<_>>(),
        "clock_paused": false,
        "clock_note_zh": CLOCK_NOTE_ZH,
    })))
}

/// A department's list filter, shared by its consultations and its 告知承诺 verifications.
#[derive(Debug, Default, Deserialize)]
pub struct DeptFilter {
    /// `awaiting`: only the unanswered ones.
    pub status: Option<String>,
    pub limit: Option<String>,
}

impl DeptFilter {
    /// (only the unanswered ones, how many at most).
    pub fn parse(&self) -> Result<(bool, u32), ApiError> {
        let open_only = match self.status.as_deref() {
            None | Some("all") => false,
            Some("awaiting") => true,
            Some(_) => {
                return Err(ApiError::bad_request(
                    "bad_filter",
                    "status 只能是 awaiting 或 all",
                    "status must be awaiting or all",
                ));
            }
        };
        Ok((open_only, parse_limit(self.limit.as_deref())?))
    }
}

/// The requests to the caller's department, newest first.
pub async fn dept_consultations(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<DeptFilter>,
) -> Result<Json<Value>, ApiError> {
    let (open_only, limit) = f.parse()?;
    let principal = auth.principal.clone();
    let rows = state
        .store
        .read(move |c| svc::for_department(c, &principal, open_only, limit))
        .await?;
    Ok(Json(json!({
        "department": auth.principal.department,
        "consultations": rows.iter().map(row_json).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpinionBody {
    pub opinion: Opinion,
    #[serde(default)]
    pub text: String,
    /// SHA-256 digests of files in the case's material store.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// Who answers, as the ledger and the answer name it (a consultation's opinion, a 告知承诺's
/// verdict).
pub(super) fn claimant(auth: &Auth) -> (Claimant, Actor) {
    let p = &auth.principal;
    match (&p.staff, &p.token) {
        (Some(s), _) => (Claimant::Staff(s.clone()), Actor::Staff(s.clone())),
        (None, Some(t)) => (
            Claimant::Token(t.clone()),
            Actor::Department(p.department.clone()),
        ),
        (None, None) => (
            Claimant::Token("unknown".into()),
            Actor::Department(p.department.clone()),
        ),
    }
}

/// The asked department's opinion. Only that department may answer: another department gets
/// 403 `forbidden_department`, bureau staff 403 `forbidden_role`, an unknown id 404; a
/// department's refused attempt is recorded on the ledger.
pub async fn answer_consultation(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<OpinionBody>,
) -> Result<Json<Value>, ApiError> {
    let (claimant, actor) = claimant(&auth);
    let req = AnswerRequest {
        consultation_id: id.clone(),
        given: Opinionated {
            opinion: body.opinion,
            text: body.text,
            attachments: body.attachments,
        },
        claimant,
        actor,
        now: state.clock.now(),
    };
    let principal = auth.principal.clone();
    let r = state
        .store
        .write(move |tx| svc::answer(tx, &principal, req))
        .await;
    record_if_refused(&state, &auth, &id, r.as_ref().err()).await?;
    Ok(Json(r?))
}

/// A department's attempt on another's consultation (or an unknown id) is recorded on the
/// ledger like a wrong claim (`linkage.attempt_refused`), within the refusals' rate limit.
pub(super) async fn record_if_refused(
    state: &AppState,
    auth: &Auth,
    id: &str,
    err: Option<&E>,
) -> Result<(), ApiError> {
    let only_department = auth
        .principal
        .roles
        .iter()
        .all(|r| *r == Role::DepartmentSupervisor);
    let refusal = match err {
        Some(E::Denied(Denied::Department)) => Some(Refusal::ForbiddenDepartment),
        Some(E::NotFound(_)) => Some(Refusal::NotFound),
        _ => None,
    };
    if let (Some(refusal), true) = (refusal, only_department) {
        let j = auth.principal.jurisdiction.clone();
        let now = state.clock.now();
        if !state.refusals.admit(&j, &auth.principal.department, now) {
            return Err(ApiError::TooManyRequests);
        }
        record_refusal(
            &state.store,
            now,
            j,
            auth.principal.department.clone(),
            Aim::new("consultation", id.to_owned()),
            refusal,
        )
        .await?;
    }
    Ok(())
}
