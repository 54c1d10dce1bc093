//! The step counters (`case_tallies`, issue #17 item 2): on generated histories they equal a fold
//! of the events, the dashboard, `/stats` and the accountability report read from them give the
//! figures the former per-request folds gave, `ledger verify` finds a counter edited behind the
//! log's back, migration 25's backfill rebuilds them, and the public page is limited per client.

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent, Decision, legal_date};
use oneseal_domain::org::DivisionCode;
use oneseal_server::services::calendar::CalendarStore;
use oneseal_server::services::rules::report::{ReportBy, folded::report_rows_folded, report_rows};
use oneseal_server::services::{dashboard, statistics};
use oneseal_store::aggregates::{self, COUNTERS, Counts, TallyKey};
use oneseal_store::{Conn, StoreError};
use oneseal_testkit::{START, TestApp, tamper};
use proptest::prelude::*;

fn jurisdictions(c: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    Ok(oneseal_store::statistics::jurisdiction_names(c)?
        .into_iter()
        .map(|j| j.code)
        .collect())
}

fn slot(name: &str) -> usize {
    COUNTERS.iter().position(|c| *c == name).unwrap()
}

/// The counters as a fold of each whole case gives them, written apart from the increments:
/// every case folded once, each step's counts read off the folded case.
fn folded_counts(
    c: &mut dyn Conn,
    calendar: &Calendar,
) -> Result<BTreeMap<TallyKey, Counts>, StoreError> {
    let mut out: BTreeMap<TallyKey, Counts> = BTreeMap::new();
    for j in jurisdictions(c)? {
        for events in oneseal_store::statistics::case_histories(c, &j)? {
            let case = Case::apply(&events).unwrap();
            let item = case.received().item.basic_code.as_str().to_owned();
            for e in &events {
                let mut add = |person: &str, names: &[(&str, i64)]| {
                    let key = TallyKey {
                        jurisdiction: j.clone(),
                        day: e.date().to_string(),
                        item: item.clone(),
                        person: person.to_owned(),
                    };
                    let counts = out.entry(key).or_default();
                    for (name, n) in names {
                        counts.0[slot(name)] += n;
                    }
                };
                match e {
                    CaseEvent::Received(_) => add("", &[("received", 1)]),
                    CaseEvent::Accepted { .. } => add("", &[("accepted", 1)]),
                    CaseEvent::NotAccepted { .. } => add("", &[("not_accepted", 1)]),
                    CaseEvent::Withdrawn { .. } => add("", &[("withdrawn", 1)]),
                    CaseEvent::Decided {
                        approver, decision, ..
                    } => {
                        let outcome = if matches!(decision, Decision::Refuse(_)) {
                            "refused"
                        } else {
                            "granted"
                        };
                        let mut names = vec![("decided", 1), (outcome, 1)];
                        let clock = case.clock(calendar, e.date()).unwrap().decision;
                        if let Some(k) = clock {
                            names.push(("timed", 1));
                            names.push(("on_time", i64::from(!k.overdue_statutory)));
                            names.push(("working_days", i64::from(k.elapsed)));
                        }
                        add(approver.as_str(), &names);
                    }
                    _ => {}
                }
            }
        }
    }
    Ok(out)
}

async fn stored_and_folded(
    app: &TestApp,
) -> (BTreeMap<TallyKey, Counts>, BTreeMap<TallyKey, Counts>) {
    app.store
        .read(|c| {
            let calendar = CalendarStore::load(c)?.current();
            Ok::<_, StoreError>((aggregates::all(c)?, folded_counts(c, &calendar)?))
        })
        .await
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    /// Whatever the history, the counters the steps added up equal a fold of the events.
    #[test]
    fn the_counters_equal_a_fold_of_the_events(seed in any::<u64>(), cases in 10u32..80, days in 3u32..40) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (stored, folded) = rt.block_on(async {
            let app = TestApp::spawn_history(cases, days, seed).await;
            stored_and_folded(&app).await
        });
        prop_assert!(!stored.is_empty());
        prop_assert_eq!(stored, folded);
    }
}

#[tokio::test]
async fn the_figures_read_from_the_counters_are_those_the_folds_gave() {
    let app = TestApp::spawn_history(300, 70, 23).await;
    let today = legal_date(START);
    app.store
        .read(move |c| {
            let calendar = CalendarStore::load(c)?.current();
            let (stored, folded) = (aggregates::all(c)?, folded_counts(c, &calendar)?);
            assert_eq!(stored, folded);
            let decided: i64 = stored.values().map(|v| v.0[slot("timed")]).sum();
            assert!(decided > 50, "{decided} timed decisions");
            for j in jurisdictions(c)? {
                let code = DivisionCode::parse(&j).unwrap();
                for (from, to) in [
                    (today - time::Duration::days(366), today),
                    (
                        today - time::Duration::days(20),
                        today - time::Duration::days(5),
                    ),
                ] {
                    let js = [code.clone()];
                    let new = dashboard::compute(c, &js, &calendar, from, to, today).unwrap();
                    let old = dashboard::folded::compute_folded(c, &js, &calendar, from, to, today)
                        .unwrap();
                    assert_eq!(
                        serde_json::to_value(&new).unwrap(),
                        serde_json::to_value(&old).unwrap(),
                        "dashboard of {j} {from}..{to}"
                    );
                }
                let new = statistics::compute(c, &j)?;
                let old = statistics::folded::figures_folded(c, &j, &calendar, today)?;
                let rows = |f: &statistics::Figures| {
                    let items: Vec<String> = f
                        .items
                        .iter()
                        .map(|i| {
                            format!(
                                "{} {} {} {} {:?}",
                                i.code, i.name, i.department, i.limit, i.tally
                            )
                        })
                        .collect();
                    let depts: Vec<String> = f
                        .departments
                        .iter()
                        .map(|d| format!("{} {} {:?}", d.name, d.items, d.tally))
                        .collect();
                    (items, depts, format!("{:?}", f.total))
                };
                assert_eq!(rows(&new), rows(&old), "statistics of {j}");
                for by in [
                    ReportBy::Person,
                    ReportBy::Department,
                    ReportBy::Item,
                    ReportBy::Rule,
                ] {
                    for (from, to) in [("2000-01-01", "2999-12-31"), ("2026-10-01", "2026-10-31")] {
                        let new = report_rows(c, &code, by, from, to)?;
                        let old = report_rows_folded(c, &code, &calendar, by, from, to)?;
                        assert_eq!(
                            serde_json::to_value(&new).unwrap(),
                            serde_json::to_value(&old).unwrap(),
                            "report of {j} by {} {from}..{to}",
                            by.code()
                        );
                    }
                }
            }
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn verify_finds_a_counter_changed_behind_the_logs_back() {
    let app = TestApp::spawn_history(30, 10, 5).await;
    app.expect_corrupted();
    let key = app
        .store
        .write(|tx| tamper::bump_case_tally(tx.conn(), "370100"))
        .await
        .unwrap();
    let report = app
        .store
        .read(|c| oneseal_server::services::ledger::audit::verify(c, &mut |_, _, _| ()))
        .await
        .unwrap();
    let text: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    let day = key.split('/').nth(1).unwrap().to_owned();
    assert!(
        text.iter().any(|t| t.starts_with("table case_tallies")
            && t.contains("column decided")
            && t.contains(&day)),
        "{key}: {text:?}"
    );
}

#[tokio::test]
async fn migration_25_backfills_the_counters_of_an_older_database() {
    let app = TestApp::spawn_history(60, 20, 9).await;
    let before = app.store.read(|c| aggregates::all(c)).await.unwrap();
    assert!(!before.is_empty());
    let after = app
        .store
        .write(|tx| {
            tamper::forget_case_tallies(tx.conn())?;
            aggregates::backfill(tx.conn())?;
            aggregates::all(tx.conn())
        })
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_dashboard_titles_its_charts_and_refuses_a_too_long_period_as_a_form_error() {
    let app = TestApp::spawn_demo().await;
    let head = app.head().await;
    let (status, body) = head
        .get_json("/api/v1/dashboard?from=2025-01-01&to=2026-11-23")
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("bad_period")),
        "{body}"
    );

    let r = head.get("/dashboard?from=2025-01-01&to=2026-11-23").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"period-error\""), "{html}");
    assert!(
        html.contains("value=\"2025-01-01\""),
        "the typed dates stay in the form"
    );

    let html = head
        .get("/dashboard?from=2026-11-01&to=2026-11-23")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"period-error\""));
    for title in [
        "每日办件量（件，2026-11-01至2026-11-23）",
        "按部门按时办结率（%",
        "服务评价（好差评）（件，2026-11-01至2026-11-23）",
        "在办件剩余工作日（件，截至2026-11-23）",
        "各部门待认领推送（件，截至2026-11-23）",
    ] {
        assert!(html.contains(title), "{title}");
    }
}

#[tokio::test]
async fn the_public_statistics_answer_a_client_a_limited_number_of_times_a_minute() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    for _ in 0..statistics::REQUESTS_PER_MINUTE {
        assert_eq!(anon.get("/stats").await.status(), 200);
    }
    // The page and its JSON twin share the client's allowance.
    assert_eq!(anon.get("/stats").await.status(), 429);
    let r = anon.get("/api/v1/public/stats").await;
    assert_eq!(r.status(), 429);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_many_attempts", "{body}");
    // The next minute, the client may ask again.
    app.clock.advance(time::Duration::seconds(60));
    assert_eq!(anon.get("/stats").await.status(), 200);
}

#[tokio::test]
async fn the_public_statistics_json_sums_the_counters_of_the_jurisdiction() {
    let app = TestApp::spawn_history(40, 15, 4).await;
    let stored = app.store.read(|c| aggregates::all(c)).await.unwrap();
    let city = |name: &str| -> i64 {
        stored
            .iter()
            .filter(|(k, _)| k.jurisdiction == "370100")
            .map(|(_, v)| v.0[slot(name)])
            .sum()
    };
    let r = app.anonymous().get("/api/v1/public/stats?j=370100").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let total = &body["total"];
    assert_eq!(total["received"].as_i64(), Some(city("received")), "{body}");
    assert_eq!(total["decided"].as_i64(), Some(city("decided")));
    assert_eq!(total["on_time"].as_i64(), Some(city("on_time")));
    assert!(city("received") > 0);
    let items: i64 = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["figures"]["received"].as_i64().unwrap())
        .sum();
    assert_eq!(items, city("received"));
    let r = app.anonymous().get("/api/v1/public/stats?j=999999").await;
    assert_eq!(r.status(), 404);
}
