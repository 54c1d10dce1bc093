//! The working-day calendar over HTTP: which years are loaded (with their source notices),
//! importing a year not in force yet (an official holiday notice) by the city's administrator,
//! and correcting later days of a year in force: proposed by the administrator with a reason
//! and a source, put in force by the bureau head.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use oneseal_domain::access::{Action, Target};
use oneseal_domain::calendar::{Correction, YearCalendar};
use oneseal_domain::case::legal_date;
use oneseal_domain::event::{Actor, CalendarCorrection, CorrectionApproval, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_store::params;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::edge::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::services::calendar::{Amendment, amendment, correction_error, moving_deadlines, stored};
use crate::services::commands::Meta;

pub async fn list_years(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Value>, ApiError> {
    auth.require_here(Action::ViewCatalog)?;
    let cal = state.calendar.current();
    let years: Vec<Value> = cal
        .loaded_years()
        .filter_map(|y| cal.year(y).map(|c| (y, c)))
        .map(|(y, c)| json!({ "year": y, "source": c.source() }))
        .collect();
    Ok(Json(json!({ "years": years })))
}

/// Where a calendar import lands: the working-day calendar is one for the city and all its
/// counties (the holiday notices are national), so it is the city's to manage; a county's
/// administrator may not change the deadlines of every other bureau.
fn calendar_target(j: &DivisionCode) -> Target {
    Target::jurisdiction(&j.city())
}

/// Validates the year file and, for a year not in force yet, records it on the ledger and swaps
/// the new calendar in. A year in force is history up to today: the same file again changes
/// nothing, a change of a past day is refused, and a change of later days needs a correction.
pub async fn import_year(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth.require(
        Action::ManageCalendar,
        &calendar_target(&auth.principal.jurisdiction),
    )?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| {
        ApiError::bad_request(
            "bad_calendar",
            "日历文件不是 UTF-8 文本",
            "The calendar file is not UTF-8",
        )
    })?;
    // Parsed off the async workers, as catalog files are (issue #22, item 2): a body of the
    // full size limit takes a while to parse and validate.
    let (year, text) = tokio::task::spawn_blocking(move || (YearCalendar::from_json(&text), text))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let year = year.map_err(bad_calendar)?;
    let number = year.year();
    let meta = Meta {
        time: state.clock.now(),
        jurisdiction: auth.principal.jurisdiction.clone(),
        actor: Actor::Staff(auth.staff_id().cloned().ok_or(ApiError::Unauthenticated)?),
    };
    let today = legal_date(meta.time);
    let idx = state
        .store
        .write(move |tx| match amendment(tx.conn(), year, today)? {
            Amendment::New(_) => meta
                .record(tx, &Event::CalendarYearImported { year: number, json: text })
                .map(Some),
            Amendment::Unchanged => Ok(None),
            Amendment::Correction(c) => Err(ApiError::conflict(
                "calendar_correction_required",
                format!(
                    "{number}年工作日历已经生效；更改今后的日期（{}起）须提出更正并经局长批准",
                    first_day(&c)
                ),
                format!(
                    "The {number} calendar is in force; changing later days (from {}) needs a correction approved by the bureau head",
                    first_day(&c)
                ),
            )),
        })
        .await?;
    if idx.is_some() {
        let cal = state
            .store
            .read(|c| stored(c).map_err(ApiError::from))
            .await?;
        state.calendar.replace(cal);
    }
    Ok(Json(
        json!({ "year": number, "ledger_index": idx, "unchanged": idx.is_none() }),
    ))
}

fn bad_calendar(e: oneseal_domain::calendar::YearDataError) -> ApiError {
    // The parser's message may quote the file (an unknown `kind` is repeated in full).
    let e = clip(&e.to_string());
    ApiError::bad_request("bad_calendar", format!("日历文件无效：{e}"), e)
}

fn first_day(c: &Correction) -> String {
    c.change()
        .days()
        .first()
        .map_or_else(|| "—".to_owned(), ToString::to_string)
}

/// Free text limits: a reason is a paragraph, a source a notice's title or number.
const MAX_REASON_CHARS: usize = 2000;
const MAX_SOURCE_CHARS: usize = 300;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeBody {
    /// The whole year as it should be, in the import layout.
    pub calendar: Value,
    /// Why the year is corrected.
    pub reason: String,
    /// Where the correction comes from (e.g. the State Council notice's number).
    pub source: String,
}

fn text_field(name: &'static str, v: &str, max: usize) -> Result<String, ApiError> {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "bad_calendar_correction",
            format!("{name} 须为 1–{max} 个字符的文字"),
            format!("{name} must be 1–{max} characters of text"),
        ));
    }
    Ok(t.to_owned())
}

/// Proposes correcting days after today in a year in force: answered with the open cases whose
/// deadlines move, recorded on the ledger as proposed, without effect until the head approves.
pub async fn propose_correction(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<ProposeBody>,
) -> Result<Json<Value>, ApiError> {
    auth.require(
        Action::ManageCalendar,
        &calendar_target(&auth.principal.jurisdiction),
    )?;
    let staff = auth.staff_for(Action::ManageCalendar)?;
    let reason = text_field("reason", &body.reason, MAX_REASON_CHARS)?;
    let source = text_field("source", &body.source, MAX_SOURCE_CHARS)?;
    let year = YearCalendar::from_json(&body.calendar.to_string()).map_err(bad_calendar)?;
    let now = state.clock.now();
    let meta = Meta {
        time: now,
        jurisdiction: auth.principal.jurisdiction.city(),
        actor: Actor::Staff(staff.clone()),
    };
    let today = legal_date(now);
    let number = year.year();
    let out = state
        .store
        .write(move |tx| {
            let correction = match amendment(tx.conn(), year, today)? {
                Amendment::Correction(c) => c,
                Amendment::New(_) => {
                    return Err(ApiError::conflict(
                        "calendar_year_not_in_force",
                        format!("{number}年工作日历尚未生效，请直接导入"),
                        format!("The {number} calendar is not in force yet: import it instead"),
                    ));
                }
                Amendment::Unchanged => {
                    return Err(ApiError::conflict(
                        "calendar_unchanged",
                        format!("{number}年工作日历没有变化"),
                        format!("The {number} calendar would not change"),
                    ));
                }
            };
            let before = stored(tx.conn())?;
            let base_json = before
                .to_year_json(number)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let mut after = before.clone();
            after
                .correct(correction.clone(), now)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let moving = moving_deadlines(tx.conn(), &before, &after, today)?;
            let seq = tx
                .conn()
                .query_one("SELECT COUNT(*) FROM calendar_corrections", &[])?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0);
            let proposal = CalendarCorrection {
                correction_id: format!("CC{number}-{:04}", seq + 1),
                year: number,
                proposed_by: staff,
                json: correction
                    .replacement()
                    .to_json()
                    .map_err(|e| ApiError::Internal(e.to_string()))?,
                base_json,
                days: correction.change().days().to_vec(),
                reason,
                source,
                moving,
            };
            let idx = meta.record(
                tx,
                &Event::CalendarCorrectionProposed {
                    correction: Box::new(proposal.clone()),
                },
            )?;
            Ok(json!({
                "correction_id": proposal.correction_id, "year": number, "status": "proposed",
                "days": proposal.days.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "moving": proposal.moving, "ledger_index": idx,
            }))
        })
        .await?;
    Ok(Json(out))
}

/// The bureau head puts a proposed correction in force, checked again against today and the
/// year as it now is; the open cases' deadlines move from this instant.
pub async fn approve_correction(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let city = auth.principal.jurisdiction.city();
    auth.require(Action::ApproveCalendarCorrection, &calendar_target(&city))?;
    let staff = auth.staff_for(Action::ApproveCalendarCorrection)?;
    let now = state.clock.now();
    let meta = Meta {
        time: now,
        jurisdiction: city.clone(),
        actor: Actor::Staff(staff.clone()),
    };
    let today = legal_date(now);
    let out = state
        .store
        .write(move |tx| {
            let row = tx
                .conn()
                .query_one(
                    "SELECT jurisdiction, body, status FROM calendar_corrections WHERE correction_id = ?",
                    params![id.as_str()],
                )?
                .ok_or(ApiError::NotFound("calendar correction"))?;
            if row.text(0)? != city.as_str() {
                return Err(ApiError::NotFound("calendar correction"));
            }
            let proposal: CalendarCorrection = serde_json::from_str(&row.text(1)?)
                .map_err(|e| ApiError::Internal(format!("stored correction: {e}")))?;
            if row.text(2)? != "proposed" {
                return Err(ApiError::conflict(
                    "calendar_correction_not_pending",
                    "该更正已处理，不能再次批准",
                    "This correction is no longer pending",
                ));
            }
            if proposal.proposed_by == staff {
                return Err(ApiError::conflict(
                    "calendar_correction_own_proposal",
                    "提出更正的人不能批准自己的更正",
                    "The proposer of a correction may not approve it",
                ));
            }
            let before = stored(tx.conn())?;
            let base = YearCalendar::from_json(&proposal.base_json)
                .map_err(|e| ApiError::Internal(format!("stored correction: {e}")))?;
            let current = before.year(proposal.year);
            if current != Some(&base) {
                return Err(ApiError::conflict(
                    "calendar_correction_stale",
                    "提出更正后该年度日历已有变化，请重新提出",
                    "The year changed since the correction was proposed; propose it again",
                ));
            }
            let replacement = YearCalendar::from_json(&proposal.json)
                .map_err(|e| ApiError::Internal(format!("stored correction: {e}")))?;
            let correction = Correction::check(&base, replacement, today).map_err(correction_error)?;
            let mut after = before.clone();
            after
                .correct(correction, now)
                .map_err(|e| ApiError::Internal(e.to_string()))?;
            let moving = moving_deadlines(tx.conn(), &before, &after, today)?;
            let approval = CorrectionApproval {
                correction_id: proposal.correction_id.clone(),
                year: proposal.year,
                json: proposal.json,
                approved_by: staff,
                approved_at: now,
                moving,
            };
            let idx = meta.record(
                tx,
                &Event::CalendarCorrectionApproved {
                    approval: Box::new(approval.clone()),
                },
            )?;
            Ok(json!({
                "correction_id": approval.correction_id, "year": approval.year,
                "status": "approved", "moving": approval.moving, "ledger_index": idx,
            }))
        })
        .await?;
    let cal = state
        .store
        .read(|c| stored(c).map_err(ApiError::from))
        .await?;
    state.calendar.replace(cal);
    Ok(Json(out))
}

/// At most 300 characters of a parser's message, so the answer stays small whatever it quotes.
fn clip(message: &str) -> String {
    const MAX: usize = 300;
    match message.char_indices().nth(MAX) {
        None => message.to_owned(),
        Some((end, _)) => format!("{}…", &message[..end]),
    }
}

#[cfg(test)]
mod tests {
    use oneseal_domain::access::{Denied, Principal, authorize};
    use oneseal_domain::org::{DepartmentCode, Role};

    use super::*;

    fn admin(j: &str) -> Principal {
        Principal {
            staff: None,
            token: None,
            jurisdiction: DivisionCode::parse(j).unwrap(),
            department: DepartmentCode::parse("SPJ").unwrap(),
            roles: vec![Role::Administrator],
            scopes: None,
        }
    }

    #[test]
    fn only_the_city_administrator_imports_the_shared_calendar() {
        let city = admin("370100");
        assert!(
            authorize(
                &city,
                Action::ManageCalendar,
                &calendar_target(&city.jurisdiction)
            )
            .is_ok()
        );
        let county = admin("370124");
        assert_eq!(
            authorize(
                &county,
                Action::ManageCalendar,
                &calendar_target(&county.jurisdiction)
            ),
            Err(Denied::Jurisdiction)
        );
    }
}
