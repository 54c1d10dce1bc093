//! Licences after approval over HTTP: read one (public register), act on it (approving
//! official), and the supervising department's penalty (吊销).

use axum::Json;
use axum::extract::{Path, Query, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::Actor;
use oneseal_domain::licence::LicenceCommand;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::edge::json::ApiJson;
use crate::error::ApiError;
use crate::services::commands::Meta;
use crate::services::licences::applications;
use crate::services::licences::register::{self, RegisterPage, RegisterQuery};
use crate::services::licences::{LicenceRecord, act, load};

pub async fn get_licence(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let LicenceRecord {
        licence, events, ..
    } = state.store.read(move |c| load(c, &id)).await?;
    // A public register: the events' facts, not what staff or a department typed.
    let events: Vec<Value> = events.iter().map(|e| e.register_view()).collect();
    let today = oneseal_domain::case::legal_date(state.clock.now());
    Ok(Json(json!({
        "licence": licence,
        "status_zh": licence.status_zh_on(today),
        "start_lapsed": licence.start_overdue(today).is_some(),
        "events": events,
    })))
}

/// The public register of grants (Art. 40), searchable and paged; no sign-in.
pub async fn public_register(
    State(state): State<AppState>,
    Query(q): Query<RegisterQuery>,
) -> Result<Json<RegisterPage>, ApiError> {
    Ok(Json(
        state.store.read(move |c| register::page(c, &q)).await?,
    ))
}

/// 变更 / 延续 / 撤回 / 撤销 / 注销 by the approving official; a deemed renewal (Art. 50) is
/// applied first when it is due.
pub async fn act_on_licence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(command): ApiJson<LicenceCommand>,
) -> Result<Json<Value>, ApiError> {
    let now = state.clock.now();
    let calendar = state.calendar.current();
    let staff = auth.staff_for(Action::DecideCase)?;
    let result = state
        .store
        .write(move |tx| {
            let read = load(tx.conn(), &id)?;
            auth.require(
                Action::DecideCase,
                &Target::jurisdiction(&read.jurisdiction),
            )?;
            let today = oneseal_domain::case::legal_date(now);
            let meta = Meta {
                time: now,
                jurisdiction: read.jurisdiction,
                actor: Actor::Staff(staff.clone()),
            };
            let after = act(
                tx,
                &meta,
                &calendar,
                &id,
                read.licence,
                command,
                &staff,
                today,
            )?;
            Ok::<_, ApiError>(json!({ "licence": after, "status_zh": after.status.name_zh() }))
        })
        .await?;
    Ok(Json(result))
}

/// An application about a licence: what for, and the application itself (the item is the
/// licence's own, so `item_code` is ignored).
#[derive(Debug, Deserialize)]
pub struct ApplicationBody {
    pub purpose: oneseal_domain::licence::LicencePurpose,
    /// Change: what is to change.
    #[serde(default)]
    pub change: Option<String>,
    #[serde(flatten)]
    pub intake: crate::api::cases::IntakeBody,
}

/// 延续 / 变更 / 注销申请 as a case linked to the licence (window clerk): only the holder may
/// apply, a renewal by the item's lead time; the case is then handled and sealed like any.
pub async fn apply_about_licence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApplicationBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::IntakeCase)?;
    let who = auth.acting(&state, auth.principal.jurisdiction.clone())?;
    let app = applications::Application {
        licence_id: id,
        purpose: body.purpose,
        change: body.change,
        input: body.intake.into_input(),
    };
    let receipt = applications::apply(&state.store, who, app).await?;
    Ok(Json(json!({
        "case_number": receipt.case_number,
        "query_code": receipt.query_code.grouped(),
        "ledger_index": receipt.ledger_index,
    })))
}

#[derive(Debug, Deserialize)]
pub struct PenaltyBody {
    pub decision_ref: String,
}

/// With the licence named in the path, a licence the caller cannot see (none such, or another
/// jurisdiction's) is a missing resource, 404, as for any other path; in a feedback body it
/// stays the field error `unknown_licence`.
fn licence_in_path(e: ApiError) -> ApiError {
    match e {
        ApiError::BadRequest {
            code: "unknown_licence",
            ..
        } => ApiError::NotFound("licence"),
        e => e,
    }
}

/// A supervising department's penalty revoking the licence (吊销); only the department that
/// supervises the item may impose it, and the bureau's cancellation (注销, Art. 70(4)) follows
/// at once. Shorthand for penalty feedback with the decision reference as the department's
/// own reference, so a retry changes nothing.
pub async fn penalise_licence(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PenaltyBody>,
) -> Result<Json<Value>, ApiError> {
    let feedback = crate::api::linkage::FeedbackRequest {
        external_ref: body.decision_ref.clone(),
        body: oneseal_domain::linkage::FeedbackBody::Penalty {
            licence_id: id.clone(),
            decision_ref: body.decision_ref,
            summary: "吊销许可证件".into(),
            revokes: true,
        },
    };
    let Json(out) =
        crate::api::linkage::submit_feedback(State(state.clone()), auth, ApiJson(feedback))
            .await
            .map_err(licence_in_path)?;
    let licence = state.store.read(move |c| load(c, &id)).await?.licence;
    Ok(Json(json!({
        "licence": licence, "status_zh": licence.status.name_zh(), "feedback": out,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_licence_in_the_path_is_not_found_other_errors_pass() {
        let e = licence_in_path(ApiError::bad_request("unknown_licence", "未找到", "none"));
        assert_eq!(e.status(), axum::http::StatusCode::NOT_FOUND);
        let e = licence_in_path(ApiError::bad_request("bad_ref", "x", "x"));
        assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
    }
}
