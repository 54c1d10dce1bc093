//! Licences after approval over HTTP: read one (public register), act on it (approving
//! official), and the supervising department's penalty (吊销).

use axum::Json;
use axum::extract::{Path, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::licence::{Licence, LicenceCommand, LicenceError};
use oneseal_domain::org::DivisionCode;
use oneseal_store::projection::load_licence_events;
use oneseal_store::{Conn, params};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::services::commands::Meta;

fn licence_error(e: LicenceError) -> ApiError {
    ApiError::conflict(e.code(), e.message_zh(), e.to_string())
}

/// The licence, its events, its jurisdiction and the item's supervising department.
fn load(
    c: &mut dyn Conn,
    id: &str,
) -> Result<
    (
        Licence,
        Vec<oneseal_domain::licence::LicenceEvent>,
        DivisionCode,
        String,
    ),
    ApiError,
> {
    let events = load_licence_events(c, id)?;
    let licence = Licence::apply(&events).map_err(|_| ApiError::NotFound("licence"))?;
    let row = c
        .query_one(
            "SELECT l.jurisdiction, i.supervising_department FROM licences l JOIN licence_events e ON e.licence_id = l.licence_id AND e.seq = 1 \
             LEFT JOIN items i ON i.jurisdiction = l.jurisdiction AND i.current = 1 AND i.basic_code = ? WHERE l.licence_id = ?",
            params![item_code(&events), id],
        )?
        .ok_or(ApiError::NotFound("licence"))?;
    let j = DivisionCode::parse(&row.text(0)?).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((licence, events, j, row.opt_text(1)?.unwrap_or_default()))
}

fn item_code(events: &[oneseal_domain::licence::LicenceEvent]) -> String {
    match events.first() {
        Some(oneseal_domain::licence::LicenceEvent::Issued { item_code, .. }) => item_code.clone(),
        _ => String::new(),
    }
}

/// Records licence events on the ledger, each pushed to the supervising department, and
/// returns the licence as they leave it.
fn record(
    tx: &mut oneseal_store::Tx<'_>,
    meta: &Meta,
    calendar: &oneseal_domain::calendar::Calendar,
    id: &str,
    events: Vec<oneseal_domain::licence::LicenceEvent>,
) -> Result<Licence, ApiError> {
    for e in events {
        meta.record(
            tx,
            &Event::Licence {
                licence_id: id.to_owned(),
                event: Box::new(e.clone()),
            },
        )?;
        crate::services::linkage::push_licence_event(tx, meta, calendar, id, &e)?;
    }
    Licence::apply(&load_licence_events(tx.conn(), id)?).map_err(licence_error)
}

pub async fn get_licence(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (licence, events, _, _) = state.store.read(move |c| load(c, &id)).await?;
    // A public register: the events' facts, not what staff or a department typed.
    let events: Vec<Value> = events.iter().map(|e| e.public_view()).collect();
    Ok(Json(
        json!({ "licence": licence, "status_zh": licence.status.name_zh(), "events": events }),
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
            let (licence, _, j, _) = load(tx.conn(), &id)?;
            auth.require(Action::DecideCase, &Target::jurisdiction(&j))?;
            let today = oneseal_domain::case::legal_date(now);
            let meta = Meta {
                time: now,
                jurisdiction: j,
                actor: Actor::Staff(staff.clone()),
            };
            let mut licence = licence;
            if let Some(deemed) = licence.deemed_renewal(today) {
                licence = record(tx, &meta, &calendar, &id, vec![deemed])?;
            }
            let events = licence
                .handle(command, &staff, today)
                .map_err(licence_error)?;
            let after = record(tx, &meta, &calendar, &id, events)?;
            Ok::<_, ApiError>(json!({ "licence": after, "status_zh": after.status.name_zh() }))
        })
        .await?;
    Ok(Json(result))
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
    let (licence, _, _, _) = state.store.read(move |c| load(c, &id)).await?;
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
