//! The demo's construction project: one project of the city made of its history's cases, so the
//! demo shows a project with two stages completed, the third under way and its timeline. Built
//! through the ordinary steps (register, link, complete), each an event on the ledger.

use oneseal_domain::access::Principal;
use oneseal_domain::bundle::MemberOutcome;
use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::CaseStatus;
use oneseal_domain::event::Actor;
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
use oneseal_domain::project::Stage;
use oneseal_store::projects as rows;
use oneseal_store::{Store, Tx};
use time::OffsetDateTime;

use super::{NewProject, ProjectServiceError, complete_stage, link, register};
use crate::services::commands::Meta;

const CITY: &str = "370100";

/// The items of each stage the demo links: (stage, item, granted cases only).
const LINKS: &[(Stage, &str, bool)] = &[
    (Stage::LandPlanning, "990100009000", true),
    (Stage::LandPlanning, "990100014000", true),
    (Stage::EngineeringPermit, "990100019000", true),
    (Stage::ConstructionPermit, "990100011000", true),
    (Stage::ConstructionPermit, "990100012000", false),
];

/// Granted (`true`) or still open (`false`): a refused case is no stage's demo.
fn outcome(status: i64) -> Option<bool> {
    match u8::try_from(status).ok().and_then(CaseStatus::from_code) {
        Some(CaseStatus::Approved) => Some(true),
        Some(s) if MemberOutcome::of(s) == MemberOutcome::Open => Some(false),
        _ => None,
    }
}

fn seed(
    tx: &mut Tx<'_>,
    now: OffsetDateTime,
    calendar: &Calendar,
) -> Result<Option<String>, ProjectServiceError> {
    let j = DivisionCode::parse(CITY).map_err(|e| ProjectServiceError::Corrupt(e.to_string()))?;
    let clerk = oneseal_store::org::active_staff(tx.conn(), CITY)?
        .into_iter()
        .find(|s| s.roles.iter().any(|r| r == Role::Clerk.code()));
    let Some(clerk) = clerk else { return Ok(None) };
    let bad = ProjectServiceError::Corrupt;
    let staff = StaffId::parse(&clerk.id).map_err(|e| bad(e.to_string()))?;
    let p = Principal {
        staff: Some(staff.clone()),
        token: None,
        jurisdiction: j.clone(),
        department: DepartmentCode::parse(&clerk.department).map_err(|e| bad(e.to_string()))?,
        roles: vec![Role::Clerk],
        scopes: None,
    };
    let meta = Meta {
        time: now,
        jurisdiction: j,
        actor: Actor::Staff(staff),
    };
    let code = register(
        tx,
        &meta,
        &p,
        NewProject {
            name: "济南市某安置房建设项目（演示）".into(),
            owner: "济南某城市建设投资有限公司（演示）".into(),
            kind: "approval".into(),
            industry: "47".into(),
            with_design_plan: false,
        },
    )?
    .code;
    // A stage's cases are picked among those received after the previous stage's last grant,
    // so the demo's timeline runs in the stages' order.
    let (mut stage_done, mut after, mut last) = (None, String::new(), String::new());
    for (stage, item, only_granted) in LINKS {
        if stage_done.is_some_and(|s: Stage| s < *stage) {
            complete_stage(
                tx,
                &meta,
                &p,
                calendar,
                &code,
                stage_done.map_or("", Stage::code),
            )?;
            after = std::mem::take(&mut last);
        }
        let pick = rows::cases_of_item(tx.conn(), CITY, item, 500)?
            .into_iter()
            .filter(|c| c.received_on >= after && outcome(c.status) == Some(*only_granted))
            .find(|c| {
                rows::project_of_case(tx.conn(), &c.case_number)
                    .ok()
                    .flatten()
                    .is_none()
            });
        let Some(case) = pick else { break };
        link(
            tx,
            &meta,
            &p,
            calendar,
            &code,
            &case.case_number,
            stage.code(),
        )?;
        last = last.max(case.decided_on.clone().unwrap_or_default());
        stage_done = Some(*stage);
    }
    Ok(Some(code))
}

/// Registers the demo's project in the city from its history's cases; its code, or `None`
/// when the city has no clerk. A stage whose cases the history lacks stays open.
///
/// # Errors
/// The store's failure; a step refused (which the demo's data should not cause).
pub async fn seed_demo_project(
    store: &Store,
    now: OffsetDateTime,
    calendar: std::sync::Arc<Calendar>,
) -> Result<Option<String>, ProjectServiceError> {
    store.write(move |tx| seed(tx, now, &calendar)).await
}
