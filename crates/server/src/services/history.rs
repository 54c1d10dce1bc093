//! A city's history, generated (`oneseal demo generate`, and `serve --demo`'s last 90 days):
//! months of applications through the same commands and events as real work, so the log
//! verifies, the rules replay, and every queue, chart and statistic has something to show.
//!
//! Why it is built this way:
//! - **Past times, append-only log.** Every entry carries the time of its step, so the history
//!   must be written in time order: the organisation, seals and rules are recorded at 07:00 on
//!   the first day (`plan::opening`), then every step of every case, the rules' daily tick and
//!   the linkage runner's evening run, merged and sorted by time. The log stays append-only and
//!   its indexes follow the times, which is what the rule engine (one day at a time, in index
//!   order) needs to raise overdue alerts on the right day.
//! - **Same commands.** Cases go through `cases::intake_working` / `cases::act_on` (the HTTP
//!   path's `act` without its read: the case stays folded in memory between steps), decisions
//!   are sealed with real SM2 signatures and pushed, claims go through `claim_push`, ratings
//!   through `record_rating`, penalties through `submit_feedback`.
//! - **Planned ahead, written in large batches.** `plan` decides each case from its own random
//!   stream (deterministic for a seed, whatever the thread) and checks every step on the
//!   domain's `Case`, so a step the law or the calendar refuses is never sent to the writer;
//!   `timeline` plans a day of arrivals at a time and hands the steps on in time order, and
//!   `write` runs thousands of steps per writer command (one savepoint, one commit), so memory
//!   holds the open cases, never the whole history.
//! - **Inside the loaded calendar.** Nothing is planned after `end` (the history's now), and a
//!   step whose deadline falls in a year the calendar lacks ends its case there, as an
//!   unfinished case.

mod people;
pub mod plan;
mod presign;
mod shared;
pub mod staged;
pub mod timeline;
mod write;

use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, Staff, StaffId};
use oneseal_store::Store;
use time::{Date, Duration, OffsetDateTime};

use crate::services::commands::Meta;
use plan::{Demand, Place, Roster, World};

pub use shared::{HistoryError, Keys, Options};
pub use timeline::Timeline;
pub use write::Written;

/// The first day of the history: `days` before `end`'s day, moved into the calendar's
/// first loaded year if need be.
pub fn first_day(options: &Options) -> Date {
    let end = oneseal_domain::case::legal_date(options.end);
    end - Duration::days(i64::from(options.days.max(1)) - 1)
}

/// When the organisation, the seals and the rules are recorded: 07:00 on the first day.
pub fn opening(options: &Options) -> OffsetDateTime {
    plan::opening(first_day(options))
}

/// Refuses a database that holds anything already (the history must come first on the log).
pub async fn check_empty(store: &Store) -> Result<(), HistoryError> {
    let has = store
        .read(|c| oneseal_store::org::has_jurisdictions(c))
        .await?;
    if has {
        return Err(HistoryError::NotEmpty);
    }
    Ok(())
}

/// (jurisdiction, Chinese name, share of applications per 100, whether it is the city).
const PLACES: &[(&str, &str, u32)] = &[
    ("370100", "济南市", 60),
    ("370114", "济南市章丘区", 20),
    ("370124", "平阴县", 9),
    ("370126", "商河县", 11),
];

/// Applications per 1,000 by item (basic code): market entity registration and food business
/// far ahead, as in any city's hall; the rest after them.
const DEMAND: &[(&str, u32)] = &[
    ("990100008000", 300),
    ("990100001000", 120),
    ("990100001001", 40),
    ("990100001002", 30),
    ("990100001003", 15),
    ("990100002000", 20),
    ("990100002001", 10),
    ("990100002002", 8),
    ("990100003000", 6),
    ("990100003001", 3),
    ("990100004000", 6),
    ("990100004001", 3),
    ("990100004002", 3),
    ("990100004003", 1),
    ("990100005000", 4),
    ("990100006000", 10),
    ("990100007000", 40),
    ("990100007001", 10),
    ("990100007002", 10),
    ("990100009000", 3),
    ("990100010000", 3),
    ("990100011000", 25),
    ("990100011001", 5),
    ("990100012000", 10),
    ("990100013000", 6),
    ("990100014000", 12),
    ("990100015000", 2),
    ("990100016000", 15),
    ("990100017000", 2),
    ("990100018000", 20),
    ("990100019000", 5),
    ("990100020000", 10),
    ("990100021000", 20),
    ("990100022000", 2),
    ("990100023000", 8),
    ("990100024000", 10),
    ("990100024001", 4),
    ("990100024002", 4),
    ("990100025000", 1),
    ("990100026000", 2),
    ("990100027000", 30),
    ("990100027001", 10),
    ("990100028000", 4),
    ("990100029000", 15),
    ("990100030000", 3),
    ("990100031000", 4),
    ("990100032000", 6),
    ("990100032001", 5),
    ("990100032002", 8),
    ("990100033000", 2),
];

const NAMES: &[&str] = &[
    "王立新",
    "李文华",
    "张晓红",
    "刘建军",
    "陈玉梅",
    "杨志刚",
    "赵丽萍",
    "黄海涛",
    "周春燕",
    "吴国强",
    "徐静怡",
    "孙明远",
    "马玉兰",
    "朱立军",
    "胡晓峰",
    "郭丽华",
];

fn prefix(j: &str) -> &'static str {
    match j {
        "370114" => "ZQ-",
        "370124" => "PY-",
        "370126" => "SH-",
        _ => "",
    }
}

fn staff_id(s: &str) -> Result<StaffId, HistoryError> {
    StaffId::parse(s).map_err(|e| HistoryError::Data(e.to_string()))
}

/// The staff a history needs beyond the demo's accounts: more clerks, reviewers and approvers
/// (more in the city than in a county), and a member of staff of each supervising department
/// who claims its pushes. Returns each place's roster and the staff to register.
fn rosters(
    j: &DivisionCode,
    departments: &[DepartmentCode],
) -> Result<(Roster, Vec<Staff>), HistoryError> {
    let p = prefix(j.as_str());
    let (clerks, reviewers, approvers) = if j.is_city() { (6, 5, 2) } else { (3, 3, 1) };
    let mut new = Vec::new();
    let mut name = NAMES.iter().cycle().skip(new.len());
    let mut add = |id: String, dept: &str, role: Role| -> Result<StaffId, HistoryError> {
        let id = staff_id(&id)?;
        new.push(Staff {
            id: id.clone(),
            jurisdiction: j.clone(),
            department: DepartmentCode::parse(dept)
                .map_err(|e| HistoryError::Data(e.to_string()))?,
            name: (*name.next().unwrap_or(&"王立新")).to_owned(),
            roles: vec![role],
        });
        Ok(id)
    };
    let mut roster = Roster {
        clerks: vec![staff_id(&format!("{p}CLERK"))?],
        reviewers: vec![
            staff_id(&format!("{p}REVIEW"))?,
            staff_id(&format!("{p}REVIEW2"))?,
        ],
        approvers: vec![staff_id(&format!("{p}APPROVE"))?],
        head: staff_id(&format!("{p}HEAD"))?,
        supervisors: Vec::new(),
    };
    for n in 1..=clerks {
        roster
            .clerks
            .push(add(format!("{p}CLERK-{n:02}"), "SPJ", Role::Clerk)?);
    }
    for n in 1..=reviewers {
        roster
            .reviewers
            .push(add(format!("{p}REVIEW-{n:02}"), "SPJ", Role::Reviewer)?);
    }
    for n in 1..=approvers {
        roster
            .approvers
            .push(add(format!("{p}APPROVE-{n:02}"), "SPJ", Role::Approver)?);
    }
    for d in departments {
        // The city's demo accounts SCJG and ZJ claim their departments' pushes themselves.
        let id = if j.is_city() && matches!(d.as_str(), "SCJG" | "ZJ") {
            staff_id(d.as_str())?
        } else {
            add(
                format!("{p}JG-{}", d.as_str()),
                d.as_str(),
                Role::DepartmentSupervisor,
            )?
        };
        roster.supervisors.push((d.clone(), id));
    }
    Ok((roster, new))
}

/// Reads the places (items, linkage settings), registers the history's extra staff at the
/// opening, and returns the world the planner plans in.
pub fn prepare(
    store: &Store,
    options: &Options,
    calendar: Arc<Calendar>,
) -> Result<World, HistoryError> {
    let opening = opening(options);
    let mut places = Vec::new();
    let mut staff = Vec::new();
    for (code, name, weight) in PLACES {
        let j = DivisionCode::parse(code).map_err(|e| HistoryError::Data(e.to_string()))?;
        let j2 = j.clone();
        let (demand, linkage) = store.read_blocking(move |c| {
            let mut demand = Vec::new();
            for (item, weight) in DEMAND {
                if let Some((item, _)) = crate::services::catalog::find_item(c, &j2, item)? {
                    demand.push(Demand {
                        item,
                        weight: *weight,
                    });
                }
            }
            let linkage = crate::services::linkage::bureau::settings(c, &j2)?;
            Ok::<_, HistoryError>((demand, linkage))
        })?;
        let mut departments: Vec<DepartmentCode> = demand
            .iter()
            .map(|d| d.item.supervising_department.clone())
            .collect();
        departments.sort();
        departments.dedup();
        let (roster, new) = rosters(&j, &departments)?;
        staff.push((j.clone(), new));
        places.push(Place {
            code: j,
            name: (*name).to_owned(),
            weight: *weight,
            demand,
            roster,
            linkage,
        });
    }
    store.write_blocking(move |tx| {
        for (j, list) in staff {
            let meta = Meta {
                time: opening,
                jurisdiction: j,
                actor: Actor::System("demo-history".into()),
            };
            for s in list {
                meta.record_event(
                    tx,
                    &Event::StaffRegistered {
                        staff: s,
                        since: time::macros::date!(2019 - 03 - 01),
                    },
                )?;
            }
        }
        Ok::<_, HistoryError>(())
    })?;
    let first_day = first_day(options);
    let days = plan::working_days(
        &calendar,
        first_day,
        oneseal_domain::case::legal_date(options.end),
    );
    if days.is_empty() {
        return Err(HistoryError::NoWorkingDays(
            first_day,
            oneseal_domain::case::legal_date(options.end),
        ));
    }
    Ok(World {
        places,
        calendar,
        first_day,
        end: options.end,
        seed: options.seed,
    })
}

/// Every step of cases `0..cases` and of the days, in time order, planned as the writer takes
/// them (see `timeline`: the plan is never held whole).
pub fn plan(world: &World, cases: u32) -> Timeline<'_> {
    Timeline::new(world, cases, Vec::new())
}

/// Writes `steps` (in time order) in batches of `options.batch` steps per writer command, the
/// writer's page cache widened to `options.cache_mib` meanwhile.
pub fn write_steps(
    store: &Store,
    world: Arc<World>,
    keys: &Keys,
    steps: impl Iterator<Item = plan::Step> + Send,
    options: &Options,
) -> Result<Written, HistoryError> {
    use oneseal_store::bulk;
    let mib = options.cache_mib;
    if mib > 0 {
        store.write_blocking(move |tx| bulk::widen_cache(tx.conn(), mib))?;
    }
    let written = write::write(store, world, keys, steps, options.batch.max(1));
    if mib > 0 {
        store.write_blocking(|tx| bulk::default_cache(tx.conn()))?;
    }
    written
}

/// Generates the history: plans it as it goes and writes it in batches of `options.batch` steps.
pub fn generate(store: &Store, keys: &Keys, options: &Options) -> Result<Written, HistoryError> {
    let world = Arc::new(prepare(store, options, keys.calendar.clone())?);
    // The demo's one case on its hearing day (`staged`), numbered after the random ones; not in
    // `plan`, so `oneseal demo generate` writes exactly the cases it is asked for.
    let staged = staged::hearing_case(&world, options.cases);
    let steps = Timeline::new(&world, options.cases, staged);
    write_steps(store, world.clone(), keys, steps, options)
}
