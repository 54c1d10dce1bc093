//! A project as its page and the API show it: its stages with their clocks and cases (as the
//! cases stand in `cases`), its utilities, and the timeline the page draws (bars in days from
//! the project's first day). Computed per request from the folded project and its cases.

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::CaseStatus;
use oneseal_domain::project::{CaseTime, Project, ProjectCode, ProjectPlan, Stage};
use oneseal_store::projects::CaseRow;
use serde::Serialize;
use time::Date;

/// A linked case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    pub status_zh: &'static str,
    pub received_on: String,
    pub decided_on: Option<String>,
}

/// One stage.
#[derive(Debug, Clone, Serialize)]
pub struct StageView {
    pub stage: &'static str,
    pub number: usize,
    pub name_zh: &'static str,
    pub working_days: u32,
    pub opened_on: Option<String>,
    pub due: Option<String>,
    pub completed_on: Option<String>,
    pub late: bool,
    /// Open past its due date net of the applicant's time (`net_due`).
    pub overdue: bool,
    /// Working days from the opening to the completion (or today): the gross figure.
    pub used_working_days: Option<u32>,
    /// Of those, the days the applicant held every open case of the stage (补正, the
    /// procedures Art. 45 excludes), and what is left: the net figure the limit is held to.
    pub applicant_working_days: Option<u32>,
    pub net_working_days: Option<u32>,
    /// The due date with the applicant's days not counted.
    pub net_due: Option<String>,
    pub cases: Vec<CaseView>,
    /// The catalog items the stage handles.
    pub items: Vec<String>,
}

/// One utility's connection.
#[derive(Debug, Clone, Serialize)]
pub struct UtilityView {
    pub utility: &'static str,
    pub name_zh: &'static str,
    pub requested_on: String,
    pub connected_on: Option<String>,
}

/// One bar of the timeline, in days from the timeline's first day.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// `stage`, `case` or `utility`.
    pub kind: &'static str,
    pub label: String,
    pub from: i64,
    pub to: i64,
    /// The stage's due date, in days.
    pub due: Option<i64>,
    /// Finished (completed, decided, connected) rather than still running on `to`.
    pub done: bool,
    /// Past its limit.
    pub late: bool,
}

/// The timeline: its first day, its length in days and its bars.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub start: String,
    pub days: i64,
    /// Today, in days (`None` when after the end).
    pub today: Option<i64>,
    /// The whole's due date, in days.
    pub due: Option<i64>,
    pub bars: Vec<Bar>,
}

/// A project's page.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub code: String,
    pub name: String,
    pub owner: String,
    pub kind_zh: &'static str,
    pub industry: String,
    pub with_design_plan: bool,
    pub status: &'static str,
    pub status_zh: &'static str,
    pub registered_on: String,
    pub registered_by: String,
    pub opened_on: Option<String>,
    pub due: Option<String>,
    pub whole_working_days: u32,
    /// Gross working days of the whole, and as for a stage the applicant's and the net.
    pub used_working_days: Option<u32>,
    pub applicant_working_days: Option<u32>,
    pub net_working_days: Option<u32>,
    pub net_due: Option<String>,
    /// Past the whole's due date net of the applicant's time.
    pub overdue: bool,
    pub stages: Vec<StageView>,
    pub utilities: Vec<UtilityView>,
    pub timeline: Timeline,
}

fn parse_date(s: &str) -> Option<Date> {
    oneseal_domain::calendar::parse_date_arg(s).ok()
}

/// A date as the API writes it (YYYY-MM-DD).
fn ds(d: Date) -> String {
    d.to_string()
}

fn days(start: Date, d: Date) -> i64 {
    (d - start).whole_days()
}

fn status_zh(code: i64) -> &'static str {
    u8::try_from(code)
        .ok()
        .and_then(CaseStatus::from_code)
        .map_or("未知", CaseStatus::name_zh)
}

/// The view of `project` under `plan`, its linked `cases` as they stand, on `today`. (Apart
/// from the service, which calls it, so that it imports nothing of the service back.)
#[must_use]
pub fn view(
    code: &ProjectCode,
    project: &Project,
    cases: &[CaseRow],
    times: &[CaseTime],
    plan: &ProjectPlan,
    calendar: &Calendar,
    today: Date,
) -> ProjectView {
    let used = |from: Option<Date>, to: Option<Date>| {
        from.and_then(|f| {
            calendar
                .working_days_between(f, to.unwrap_or(today), &[])
                .ok()
        })
    };
    let case_view = |n: &str| {
        let row = cases.iter().find(|c| c.case_number == n);
        CaseView {
            case_number: n.to_owned(),
            item_code: row.map(|r| r.item_code.clone()).unwrap_or_default(),
            item_name: row.map(|r| r.item_name.clone()).unwrap_or_default(),
            status_zh: row.map_or("未知", |r| status_zh(r.status)),
            received_on: row.map(|r| r.received_on.clone()).unwrap_or_default(),
            decided_on: row.and_then(|r| r.decided_on.clone()),
        }
    };
    // A count the calendar cannot make leaves the net figures out and the gross due date.
    let net = |s: &oneseal_domain::project::StageState| {
        project
            .stage_clock(s, calendar, times, today)
            .ok()
            .flatten()
    };
    let stages: Vec<StageView> = project
        .stages
        .iter()
        .map(|s| (s, net(s)))
        .map(|(s, n)| StageView {
            stage: s.stage.code(),
            number: s.stage.number(),
            name_zh: s.stage.name_zh(),
            working_days: if s.opened_on.is_some() {
                s.working_days
            } else {
                plan.stage(s.stage).map_or(0, |p| p.working_days)
            },
            opened_on: s.opened_on.map(ds),
            due: s.due.map(ds),
            completed_on: s.completed_on.map(ds),
            late: s.late,
            overdue: n
                .as_ref()
                .map_or(s.is_overdue(today), |n| n.overdue(s.completed_on, today)),
            used_working_days: used(s.opened_on, s.completed_on),
            applicant_working_days: n.as_ref().map(|n| n.applicant_working_days),
            net_working_days: n.as_ref().map(|n| n.net_working_days),
            net_due: n.as_ref().map(|n| ds(n.net_due)),
            cases: project
                .cases
                .iter()
                .filter(|c| c.stage == s.stage)
                .map(|c| case_view(&c.case_number))
                .collect(),
            items: plan
                .stage(s.stage)
                .map(|p| p.items.iter().map(|i| i.as_str().to_owned()).collect())
                .unwrap_or_default(),
        })
        .collect();
    let utilities: Vec<UtilityView> = project
        .utilities
        .iter()
        .map(|u| UtilityView {
            utility: u.utility.code(),
            name_zh: u.utility.name_zh(),
            requested_on: ds(u.requested_on),
            connected_on: u.connected_on.map(ds),
        })
        .collect();
    let finished = project
        .stage(Stage::CompletionAcceptance)
        .completed_on
        .filter(|_| project.status() == oneseal_domain::project::ProjectStatus::Completed);
    let r = &project.registered;
    let whole = project.whole_clock(calendar, times, today).ok().flatten();
    ProjectView {
        code: code.to_string(),
        name: r.name.clone(),
        owner: r.owner.clone(),
        kind_zh: r.kind.name_zh(),
        industry: r.industry.clone(),
        with_design_plan: r.with_design_plan,
        status: project.status().code(),
        status_zh: project.status().name_zh(),
        registered_on: ds(r.on),
        registered_by: r.registered_by.to_string(),
        opened_on: project.opened_on.map(ds),
        due: project.due.map(ds),
        whole_working_days: r.whole_working_days,
        used_working_days: used(project.opened_on, finished),
        applicant_working_days: whole.as_ref().map(|n| n.applicant_working_days),
        net_working_days: whole.as_ref().map(|n| n.net_working_days),
        net_due: whole.as_ref().map(|n| ds(n.net_due)),
        overdue: whole.as_ref().map_or(project.is_overdue(today), |n| {
            n.overdue(project.finished_on(), today)
        }),
        timeline: timeline(project, &stages, today),
        stages,
        utilities,
    }
}

/// The bars: each opened stage, under it its cases, then the utilities.
fn timeline(project: &Project, stages: &[StageView], today: Date) -> Timeline {
    let received: Vec<Date> = stages
        .iter()
        .flat_map(|s| &s.cases)
        .filter_map(|c| parse_date(&c.received_on))
        .collect();
    let start = received
        .iter()
        .copied()
        .chain(project.opened_on)
        .min()
        .unwrap_or(project.registered.on)
        .min(project.registered.on);
    let mut end = today.max(start);
    if let Some(d) = project.due {
        end = end.max(d);
    }
    let mut bars = Vec::new();
    for (s, v) in project.stages.iter().zip(stages) {
        let Some(opened) = s.opened_on else { continue };
        let to = s.completed_on.unwrap_or(today).max(opened);
        bars.push(Bar {
            kind: "stage",
            label: format!("{} {}", v.number, v.name_zh),
            from: days(start, opened),
            to: days(start, to),
            due: s.due.map(|d| days(start, d)),
            done: s.completed_on.is_some(),
            late: v.late || v.overdue,
        });
        for c in &v.cases {
            let Some(from) = parse_date(&c.received_on) else {
                continue;
            };
            let decided = c.decided_on.as_deref().and_then(parse_date);
            bars.push(Bar {
                kind: "case",
                label: c.item_name.clone(),
                from: days(start, from),
                to: days(start, decided.unwrap_or(today).max(from)),
                due: None,
                done: decided.is_some(),
                late: false,
            });
        }
    }
    for u in &project.utilities {
        bars.push(Bar {
            kind: "utility",
            label: format!("{}报装", u.utility.name_zh()),
            from: days(start, u.requested_on),
            to: days(start, u.connected_on.unwrap_or(today).max(u.requested_on)),
            due: None,
            done: u.connected_on.is_some(),
            late: false,
        });
    }
    let total = days(start, end).max(1);
    Timeline {
        start: ds(start),
        days: total,
        today: Some(days(start, today)).filter(|d| *d <= total),
        due: project.due.map(|d| days(start, d)),
        bars,
    }
}
