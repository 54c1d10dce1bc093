//! Construction project pages (工程建设项目): `/projects` lists the jurisdiction's projects with
//! the form to register one, and `/projects/{code}` shows a project — its four stages with their
//! clocks and cases, its utilities, a timeline drawn by the server as SVG (no script), and the
//! clerk's forms (link a case, complete a stage, utilities). Forms post JSON to the project API
//! (static/app.js), so the pages and the API share one code path.

use std::fmt::Write;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use oneseal_domain::access::Action;
use oneseal_domain::case::legal_date;
use oneseal_domain::project::{ProjectKind, Stage, Utility};

use super::{Nav, WebError, render};
use crate::AppState;
use crate::edge::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::services::projects::view::Timeline;
use crate::services::projects::{self as projects, ListedProject, ProjectView};

fn stage_zh(code: &str) -> &'static str {
    Stage::parse(code).map_or("—", Stage::name_zh)
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<ListedProject>,
    can_register: bool,
    kinds: Vec<(&'static str, &'static str)>,
    today: String,
}

impl ListPage {
    fn stage_zh(s: &Option<String>) -> &'static str {
        s.as_deref().map_or("—", stage_zh)
    }
    fn status_zh(s: &str) -> &'static str {
        match s {
            "registered" => "已登记",
            "completed" => "已竣工验收",
            _ => "审批中",
        }
    }
}

pub async fn projects_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
) -> Result<Html<String>, WebError> {
    let auth = auth.ok_or(ApiError::Unauthenticated)?;
    auth.require_here(Action::ViewCases)?;
    let today = legal_date(state.clock.now());
    // Overdue as the project's page counts it: net of the applicant's time.
    let rows = projects::list(
        &state.store,
        auth.principal.clone(),
        200,
        state.calendar.current(),
        today,
    )
    .await
    .map_err(ApiError::from)?;
    render(&ListPage {
        nav: Nav::from_auth(Some(&auth)),
        can_register: auth.require_here(Action::IntakeCase).is_ok(),
        kinds: ProjectKind::ALL
            .iter()
            .map(|k| (k.code(), k.name_zh()))
            .collect(),
        rows,
        today: today.to_string(),
    })
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    nav: Nav,
    v: ProjectView,
    chart: String,
    can_act: bool,
    stages: Vec<(&'static str, &'static str)>,
    /// The utilities not requested yet.
    utilities: Vec<(&'static str, &'static str)>,
}

pub async fn project_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    auth.require_here(Action::ViewCases)?;
    let today = legal_date(state.clock.now());
    let v = projects::get(
        &state.store,
        auth.principal.clone(),
        code,
        state.calendar.current(),
        today,
    )
    .await
    .map_err(ApiError::from)?;
    let utilities = Utility::ALL
        .iter()
        .filter(|u| !v.utilities.iter().any(|x| x.utility == u.code()))
        .map(|u| (u.code(), u.name_zh()))
        .collect();
    render(&ProjectPage {
        nav: Nav::from_auth(Some(&auth)),
        can_act: auth.require_here(Action::IntakeCase).is_ok(),
        chart: timeline_svg(&v.timeline),
        stages: Stage::ALL.iter().map(|s| (s.code(), s.name_zh())).collect(),
        utilities,
        v,
    })
}

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The timeline as SVG: one row per bar (stage, its cases indented, utilities), a dashed line at
/// each stage's due date, the whole's due date and today. Readable without colour: each bar
/// carries its days and state in words.
fn timeline_svg(t: &Timeline) -> String {
    let (label_w, plot_w, row_h) = (230.0, 520.0, 24.0);
    let height = 50.0 + row_h * t.bars.len().max(1) as f64;
    let x = |d: i64| label_w + plot_w * (d as f64 / t.days.max(1) as f64).clamp(0.0, 1.0);
    let mut svg = format!(
        r#"<svg class="chart timeline" id="project-timeline" role="img" aria-label="项目时间轴 Timeline" viewBox="0 0 {w} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>项目时间轴 Timeline（{start} 起 {days} 天）</title>"#,
        w = label_w + plot_w + 110.0,
        start = t.start,
        days = t.days,
    );
    if t.bars.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="4" y="22" class="muted">尚无办件 No cases yet</text>"#
        );
    }
    for (i, b) in t.bars.iter().enumerate() {
        let y = 10.0 + row_h * i as f64;
        let (x0, x1) = (x(b.from), x(b.to));
        let class = match (b.kind, b.done, b.late) {
            (_, _, true) => "bar late",
            ("stage", true, _) => "bar",
            ("stage", false, _) => "bar open",
            (_, true, _) => "bar minor",
            _ => "bar minor open",
        };
        let indent = if b.kind == "case" { 18.0 } else { 0.0 };
        let state = match (b.kind, b.done) {
            ("utility", true) => "已接入",
            ("utility", false) => "报装中",
            ("case", true) => "已决定",
            ("case", false) => "办理中",
            (_, true) => "已办结",
            _ => "进行中",
        };
        let _ = write!(
            svg,
            r#"<g class="tl-{kind}"><text x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect x="{x0:.1}" y="{y}" width="{w:.1}" height="{h}" class="{class}"/><text x="{vx:.1}" y="{ty}" class="tl-days">{d}天 {state}{late}</text></g>"#,
            kind = b.kind,
            lx = label_w - 6.0 - indent,
            ty = y + 15.0,
            l = esc(&b.label.chars().take(16).collect::<String>()),
            w = (x1 - x0).max(2.0),
            h = if b.kind == "stage" { 18.0 } else { 12.0 },
            vx = x1 + 4.0,
            d = b.to - b.from,
            late = if b.late { " 超时限" } else { "" },
        );
        if let Some(due) = b.due {
            let _ = write!(
                svg,
                r#"<line x1="{dx:.1}" x2="{dx:.1}" y1="{y0}" y2="{y1}" class="tl-due"/>"#,
                dx = x(due),
                y0 = y - 2.0,
                y1 = y + 20.0,
            );
        }
    }
    let bottom = height - 24.0;
    let mut mark = |d: i64, label: &str, class: &str| {
        let _ = write!(
            svg,
            r#"<line x1="{mx:.1}" x2="{mx:.1}" y1="4" y2="{bottom}" class="{class}"/><text x="{mx:.1}" y="{ty}" text-anchor="middle" class="muted">{label}</text>"#,
            mx = x(d),
            ty = bottom + 16.0,
        );
    };
    if let Some(d) = t.due {
        mark(d, "总时限", "tl-whole");
    }
    if let Some(d) = t.today {
        mark(d, "今日", "tl-today");
    }
    svg.push_str("</svg>");
    svg
}
