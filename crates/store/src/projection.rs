//! Projections: the tables are a function of the events.
//!
//! [`apply`] is what an event does to the tables. A command reaches it only through its
//! transaction's `Tx::record` (`crate::writer`), which seals the event, applies it and appends
//! it to the ledger; a case step's rows are written there from the case the command already
//! holds (`Tx::record_case_step`). `ledger verify` replays the same `apply` into an empty
//! database and compares, which is how a row edited behind the system's back is found.

use oneseal_domain::case::{Case, CaseEvent, CaseNumber};
use oneseal_domain::event::Event;
use oneseal_domain::licence::{Licence, LicenceEvent};
use oneseal_domain::org::{DivisionCode, Role};
use time::OffsetDateTime;

pub use crate::case_rows::load_case_events;
use crate::sql::Conn;
use crate::{StoreError, params};

mod tables;
pub use tables::{CASE_DUE, CASE_TALLIES, CASE_TALLIES_MONTHLY, PROJECTED_TABLES, Projected};

fn kind_code(kind: oneseal_domain::seal::SealKind) -> &'static str {
    match kind {
        oneseal_domain::seal::SealKind::BureauApproval => "bureau_approval",
        oneseal_domain::seal::SealKind::DepartmentApproval => "department_approval",
    }
}

fn rfc3339(t: OffsetDateTime) -> Result<String, StoreError> {
    t.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| StoreError::Corrupt(format!("time does not format: {e}")))
}

fn roles_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

/// Applies one event to the projection tables.
pub fn apply(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    event: &Event,
) -> Result<(), StoreError> {
    match event {
        Event::JurisdictionRegistered {
            jurisdiction: j,
            parent,
        } => {
            conn.execute(
                "INSERT INTO jurisdictions (code, name_zh, name_en, parent, bureau_uscc) VALUES (?, ?, ?, ?, ?)",
                params![j.code.as_str(), &j.name_zh, &j.name_en, parent.as_ref().map(|p| p.as_str()), &j.bureau_uscc],
            )?;
        }
        Event::DepartmentRegistered { department: d } => {
            conn.execute(
                "INSERT INTO departments (jurisdiction, code, name_zh, name_en, kind) VALUES (?, ?, ?, ?, ?)",
                params![d.jurisdiction.as_str(), d.code.as_str(), &d.name_zh, &d.name_en, d.kind.code()],
            )?;
        }
        Event::HallWindowOpened { window: w } => {
            conn.execute(
                "INSERT INTO hall_windows (jurisdiction, code, name_zh, department) VALUES (?, ?, ?, ?)",
                params![w.jurisdiction.as_str(), &w.code, &w.name_zh, w.department.as_str()],
            )?;
        }
        Event::StaffRegistered { staff, since } => {
            conn.execute(
                "INSERT INTO staff (id, jurisdiction, department, name, roles, active) VALUES (?, ?, ?, ?, ?, 1)",
                params![staff.id.as_str(), staff.jurisdiction.as_str(), staff.department.as_str(), &staff.name, roles_text(&staff.roles)],
            )?;
            conn.execute(
                "INSERT INTO staff_postings (staff_id, seq, department, since, until) VALUES (?, 1, ?, ?, NULL)",
                params![staff.id.as_str(), staff.department.as_str(), since.to_string()],
            )?;
        }
        Event::StaffTransferred { staff, to, on } => {
            transfer(conn, staff.as_str(), to.as_str(), &on.to_string())?
        }
        Event::StaffRolesChanged { staff, roles } => {
            conn.execute(
                "UPDATE staff SET roles = ? WHERE id = ?",
                params![roles_text(roles), staff.as_str()],
            )?;
        }
        // The token row itself is operational state written at issue (its secret's hash is
        // not in the ledger); a revocation, replayed or not, always leaves it refused.
        Event::ApiTokenIssued { .. } => {}
        // Likewise a platform's token row, and the intake's row (`store::platform`), which
        // keeps what the ledger must not: the request's digest and the query code's nonce.
        Event::PlatformTokenIssued { .. } | Event::PlatformIntake { .. } => {}
        Event::ApiTokenRevoked { id } => {
            conn.execute(
                "UPDATE api_tokens SET revoked = 1 WHERE id = ?",
                params![id],
            )?;
        }
        Event::ItemPublished { item } => publish_item(conn, jurisdiction, item)?,
        Event::SealRegistered { seal } => {
            conn.execute(
                "INSERT INTO seals (es_id, jurisdiction, department, kind, name, public_key_pem, valid_from, valid_to, \
                 revoked_at, revoked_order, archived, ses_seal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, ?)",
                params![
                    &seal.es_id,
                    seal.jurisdiction.as_str(),
                    seal.department.as_str(),
                    kind_code(seal.kind),
                    &seal.name,
                    &seal.public_key_pem,
                    rfc3339(seal.valid_from)?,
                    rfc3339(seal.valid_to)?,
                    &seal.ses_seal
                ],
            )?;
        }
        Event::SealRevoked { es_id, revocation } => {
            conn.execute(
                "UPDATE seals SET revoked_at = ?, revoked_order = ?, archived = ? WHERE es_id = ?",
                params![
                    rfc3339(revocation.at)?,
                    &revocation.order_ref,
                    revocation.archived,
                    es_id.as_str()
                ],
            )?;
        }
        Event::SealUseRefused { .. } => {}
        Event::Licence { licence_id, event } => {
            apply_licence_event(conn, jurisdiction, licence_id, event)?;
        }
        Event::CalendarYearImported { year, json, moving } => {
            conn.execute(
                "DELETE FROM calendar_years WHERE year = ?",
                params![i64::from(*year)],
            )?;
            conn.execute(
                "INSERT INTO calendar_years (year, json) VALUES (?, ?)",
                params![i64::from(*year), json.as_str()],
            )?;
            crate::calendar::record_moves(conn, &format!("import:{year}"), *year, moving)?;
        }
        Event::CalendarCorrectionProposed { correction: c } => {
            let body = serde_json::to_string(c)
                .map_err(|e| StoreError::Corrupt(format!("calendar correction: {e}")))?;
            conn.execute(
                "INSERT INTO calendar_corrections (correction_id, jurisdiction, year, json, base_json, body, status, approved_by, approved_at) \
                 VALUES (?, ?, ?, ?, ?, ?, 'proposed', NULL, NULL)",
                params![
                    &c.correction_id,
                    jurisdiction.as_str(),
                    i64::from(c.year),
                    &c.json,
                    &c.base_json,
                    &body
                ],
            )?;
        }
        Event::CalendarCorrectionApproved { approval: a } => {
            conn.execute(
                "UPDATE calendar_corrections SET status = 'approved', approved_by = ?, approved_at = ? WHERE correction_id = ?",
                params![a.approved_by.as_str(), rfc3339(a.approved_at)?, &a.correction_id],
            )?;
            conn.execute(
                "DELETE FROM calendar_years WHERE year = ?",
                params![i64::from(a.year)],
            )?;
            conn.execute(
                "INSERT INTO calendar_years (year, json) VALUES (?, ?)",
                params![i64::from(a.year), a.json.as_str()],
            )?;
            crate::calendar::record_moves(conn, &a.correction_id, a.year, &a.moving)?;
        }
        Event::Case { case_number, event } => {
            apply_case_event(conn, jurisdiction, case_number, event)?
        }
        e @ (Event::LinkageSettingsChanged { .. }
        | Event::SupervisionMapped { .. }
        | Event::Push { .. }
        | Event::Feedback { .. }
        | Event::PolicyReviewClosed { .. }
        | Event::LinkageRefused { .. }
        | Event::DigestIssued { .. }) => {
            crate::linkage::apply(conn, jurisdiction, e)?;
        }
        e @ (Event::RuleVersionRecorded { .. }
        | Event::ExpressionRuleRecorded { .. }
        | Event::RulesTick { .. }
        | Event::AlertRaised { .. }
        | Event::AlertClosed { .. }) => crate::rules::apply(conn, jurisdiction, e)?,
        Event::CaseRated {
            case_number,
            level,
            channel,
            rated_on,
            rectification_due,
            ..
        } => {
            let code = |v: serde_json::Result<serde_json::Value>| {
                v.map(|v| v.as_str().unwrap_or_default().to_owned())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            };
            conn.execute(
                "INSERT INTO ratings (case_number, jurisdiction, level, channel, rated_on, rectification_due, rectification_status) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                params![
                    case_number.as_str(),
                    jurisdiction.as_str(),
                    code(serde_json::to_value(level))?,
                    code(serde_json::to_value(channel))?,
                    rated_on.to_string(),
                    rectification_due.map(|d| d.to_string()),
                    rectification_due.map(|_| "open")
                ],
            )?;
        }
        Event::RectificationClosed {
            case_number,
            by,
            explanation,
        } => {
            conn.execute(
                "UPDATE ratings SET rectification_status = 'closed', rectified_by = ?, rectification_explanation = ? WHERE case_number = ?",
                params![by.as_str(), explanation.as_str(), case_number.as_str()],
            )?;
        }
        Event::MaterialStored {
            case_number,
            material,
        } => crate::materials::apply(conn, case_number.as_str(), material)?,
        Event::Consultation {
            consultation_id,
            event,
        } => crate::consultations::apply(conn, jurisdiction, consultation_id, event)?,
        Event::Coordination { matter_id, event } => {
            crate::coordination::apply(conn, jurisdiction, matter_id, event)?
        }
        Event::Commitment { case_number, event } => {
            crate::commitments::apply(conn, jurisdiction, case_number.as_str(), event)?
        }
        Event::Project { code, event } => {
            crate::projects::apply(conn, jurisdiction, code.as_str(), event)?
        }
        Event::DocumentSealed {
            case_number,
            document_kind,
            es_id,
            document_sm3,
            signer,
            ..
        } => {
            // The document and its signature stay in the event's body on the log only
            // (`seals::sealed_body` reads them there): kept here too they doubled a case's size.
            conn.write(
                "INSERT INTO sealed_documents (case_number, document_kind, es_id, document_sm3, signer) \
                 VALUES (?, ?, ?, ?, ?)",
                params![
                    case_number.as_str(),
                    document_kind.as_str(),
                    es_id.as_str(),
                    document_sm3.as_str(),
                    signer.as_str()
                ],
            )?;
        }
    }
    Ok(())
}

/// Appends the case event and re-derives the case row from all of its events (replay, and
/// a case event recorded without its [`CaseStep`]).
fn apply_case_event(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    number: &CaseNumber,
    event: &CaseEvent,
) -> Result<(), StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(format!("case {number}: {e}"));
    let prior = load_case_events(conn, number.as_str())?;
    let case = if prior.is_empty() {
        Case::apply(std::slice::from_ref(event))
    } else {
        Case::apply(&prior).and_then(|mut case| case.evolve(event).map(|()| case))
    }
    .map_err(|e| corrupt(e.to_string()))?;
    let seq = prior.len() as u64 + 1;
    write_case_event(conn, jurisdiction, number, event, seq, &case)
}

/// Writes the case event at its place `seq` and the case's row as `case` (the event applied)
/// leaves it.
pub(crate) fn write_case_event(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    number: &CaseNumber,
    event: &CaseEvent,
    seq: u64,
    case: &Case,
) -> Result<(), StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(format!("case {number}: {e}"));
    let body = serde_json::to_string(event).map_err(|e| corrupt(e.to_string()))?;
    conn.write(
        "INSERT INTO case_events (case_number, seq, kind, body) VALUES (?, ?, ?, ?)",
        params![
            number.as_str(),
            seq,
            event.kind(),
            crate::case_rows::pack_event(&body)
        ],
    )?;
    crate::case_rows::write(conn, jurisdiction.as_str(), case, seq, seq == 1)?;
    // Art. 78: the ban this step imposes, if any (rare: no statement otherwise).
    crate::applicants::after_step(conn, jurisdiction.as_str(), case.received(), event)
}

fn apply_licence_event(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    licence_id: &str,
    event: &LicenceEvent,
) -> Result<(), StoreError> {
    let corrupt = |e: String| StoreError::Corrupt(format!("licence {licence_id}: {e}"));
    // An issue starts a licence's history, so there is nothing to read (a round trip on
    // PostgreSQL): were there a history, its first event would hold the key of `seq` 1.
    let mut events = if matches!(event, LicenceEvent::Issued { .. }) {
        Vec::new()
    } else {
        load_licence_events(conn, licence_id)?
    };
    let body = serde_json::to_string(event).map_err(|e| corrupt(e.to_string()))?;
    conn.write(
        "INSERT INTO licence_events (licence_id, seq, body) VALUES (?, ?, ?)",
        params![licence_id, events.len() as u64 + 1, body],
    )?;
    events.push(event.clone());
    let l = Licence::apply(&events).map_err(|e| corrupt(e.to_string()))?;
    let status = serde_json::to_value(l.status).map_err(|e| corrupt(e.to_string()))?;
    conn.write(
        &crate::sql::upsert(
            "licences",
            &["licence_id"],
            &[
                "licence_id",
                "jurisdiction",
                "status",
                "version",
                "valid_until",
            ],
        ),
        params![
            licence_id,
            jurisdiction.as_str(),
            status.as_str().unwrap_or_default(),
            l.version,
            l.valid_until.to_string()
        ],
    )?;
    // Art. 79: a revocation may ban the holder of the case that the licence was issued by.
    if let Some(LicenceEvent::Issued { case_number, .. }) = events.first() {
        crate::applicants::after_licence_event(conn, case_number, event)?;
    }
    Ok(())
}

/// Every event of a licence, in order.
pub fn load_licence_events(
    conn: &mut dyn Conn,
    licence_id: &str,
) -> Result<Vec<LicenceEvent>, StoreError> {
    conn.query(
        "SELECT body FROM licence_events WHERE licence_id = ? ORDER BY seq",
        params![licence_id],
    )?
    .into_iter()
    .map(|r| {
        serde_json::from_str(&r.text(0)?)
            .map_err(|e| StoreError::Corrupt(format!("licence {licence_id}: {e}")))
    })
    .collect()
}

fn transfer(conn: &mut dyn Conn, staff: &str, to: &str, on: &str) -> Result<(), StoreError> {
    let seq = conn
        .query_one(
            "SELECT MAX(seq) FROM staff_postings WHERE staff_id = ?",
            params![staff],
        )?
        .map(|r| r.opt_int(0))
        .transpose()?
        .flatten()
        .ok_or_else(|| StoreError::Corrupt(format!("transfer of unknown staff {staff}")))?;
    conn.execute(
        "UPDATE staff_postings SET until = ? WHERE staff_id = ? AND seq = ?",
        params![on, staff, seq],
    )?;
    conn.execute(
        "INSERT INTO staff_postings (staff_id, seq, department, since, until) VALUES (?, ?, ?, ?, NULL)",
        params![staff, seq + 1, to, on],
    )?;
    conn.execute(
        "UPDATE staff SET department = ? WHERE id = ?",
        params![to, staff],
    )?;
    Ok(())
}

fn publish_item(
    conn: &mut dyn Conn,
    jurisdiction: &DivisionCode,
    item: &oneseal_domain::catalog::Item,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(item).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    conn.execute(
        "UPDATE items SET current = 0 WHERE jurisdiction = ? AND basic_code = ?",
        params![jurisdiction.as_str(), item.basic_code.as_str()],
    )?;
    conn.execute(
        "INSERT INTO items (jurisdiction, basic_code, version, current, name, category, area, handling_place, \
         original_department, supervising_department, generated, body) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            jurisdiction.as_str(),
            item.basic_code.as_str(),
            i64::from(item.version),
            &item.name,
            item.category.code(),
            item.area.code(),
            item.handling_place.code(),
            item.original_department.as_str(),
            item.supervising_department.as_str(),
            item.generated,
            body
        ],
    )?;
    Ok(())
}
