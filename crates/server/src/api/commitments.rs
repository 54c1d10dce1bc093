//! 告知承诺制 over HTTP (issue #19 item 5): the supervising department lists its verification
//! tasks and answers verified or false; the bureau's staff list the verifications (and, with
//! `status=false`, the credit records) and read one case's commitment. Each handler parses,
//! authorizes through `services::commitments` and renders.

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::case::CaseNumber;
use oneseal_domain::commitment::Verdict;
use oneseal_store::commitments::CommitmentRow;
use serde::Deserialize;
use serde_json::{Value, json};

use super::consultations::{DeptFilter, claimant};
use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::commitments::{self as svc, AnswerRequest};
use crate::services::paging::parse_limit;

/// A row as the API shows it, with the names of its codes.
pub(crate) fn row_json(r: &CommitmentRow) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    v["status_zh"] = json!(svc::status_zh(&r.status));
    v
}

/// The verification tasks of the caller's department, newest first.
pub async fn dept_commitments(
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
        "commitments": rows.iter().map(row_json).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictBody {
    pub verdict: Verdict,
    /// What was checked and found; required when the commitment is false.
    #[serde(default)]
    pub finding: String,
}

/// The asked department's finding: verified, or false (which calls for the licence's
/// revocation on Art. 69 para 2). Another department 403, bureau staff 403, unknown 404.
pub async fn answer_commitment(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<VerdictBody>,
) -> Result<Json<Value>, ApiError> {
    let (claimant, actor) = claimant(&auth);
    let req = AnswerRequest {
        case_number: number,
        verdict: body.verdict,
        finding: body.finding,
        claimant,
        actor,
        now: state.clock.now(),
    };
    let principal = auth.principal.clone();
    let v = state
        .store
        .write(move |tx| svc::answer(tx, &principal, req))
        .await?;
    Ok(Json(v))
}

/// The bureau's list: `status` is a verification's state (`false`: the credit records).
#[derive(Debug, Default, Deserialize)]
pub struct BureauFilter {
    pub status: Option<String>,
    pub limit: Option<String>,
}

/// The jurisdiction's verifications for its staff; `status=false`: the credit records.
pub async fn list_commitments(
    State(state): State<AppState>,
    auth: Auth,
    Query(f): Query<BureauFilter>,
) -> Result<Json<Value>, ApiError> {
    let limit = parse_limit(f.limit.as_deref())?;
    let principal = auth.principal.clone();
    let status = f.status.clone();
    let rows = state
        .store
        .read(move |c| svc::for_bureau(c, &principal, status.as_deref(), limit))
        .await?;
    Ok(Json(json!({
        "jurisdiction": auth.principal.jurisdiction,
        "commitments": rows.iter().map(row_json).collect::<Vec<_>>(),
    })))
}

/// One case's signed commitment and its verification, for staff who may read the case.
pub async fn case_commitment(
    State(state): State<AppState>,
    auth: Auth,
    Path(number): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let number = CaseNumber::parse(&number).map_err(|e| {
        ApiError::bad_request(
            "bad_case_number",
            format!("办件编号无效：{}", e.reason_zh()),
            e.to_string(),
        )
    })?;
    let principal = auth.principal.clone();
    let n = number.clone();
    let (row, signed) = state
        .store
        .read(move |c| -> Result<_, ApiError> {
            let row = svc::for_case(c, &principal, &n)?;
            let (case, _) = crate::services::cases::load(c, &n)?;
            Ok((row, case.received().commitment.clone()))
        })
        .await?;
    Ok(Json(json!({
        "case_number": number,
        "signed": signed,
        "verification": row.as_ref().map(row_json),
    })))
}
