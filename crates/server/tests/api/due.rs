//! The projected due dates of open cases (`case_due`, issue #17): the dashboard's open cases read
//! from them equal a fold of every open case on any later day, the queue's due bands hold
//! exactly the cases a fold puts there, `ledger verify` rebuilds and checks the rows, and a
//! calendar import rewrites them.

use oneseal_domain::case::{Case, legal_date};
use oneseal_domain::org::DivisionCode;
use oneseal_server::services::calendar::CalendarStore;
use oneseal_server::services::dashboard;
use oneseal_store::StoreError;
use oneseal_testkit::{START, TestApp, error_code, peek};
use serde_json::{Value, json};
use time::Duration;

use crate::cases::{case_ready_for_decision, step};

fn open_by_remaining(d: &dashboard::Dashboard) -> Value {
    json!({
        "open": d.open_cases,
        "buckets": d.open_by_remaining,
        "yellow": d.yellow_cards,
        "red": d.red_cards,
    })
}

#[tokio::test]
async fn the_dashboards_open_cases_read_from_due_dates_equal_a_fold_on_any_later_day() {
    let app = TestApp::spawn_history(300, 70, 29).await;
    let today = legal_date(START);
    app.store
        .read(move |c| {
            let calendar = CalendarStore::load(c)?.current();
            let mut seen_red = 0;
            for j in oneseal_store::statistics::jurisdiction_names(c)? {
                let j = j.code;
                let js = [DivisionCode::parse(&j).unwrap()];
                for later in [0, 1, 2, 4, 7, 12, 20, 35, 60, 120] {
                    let on = today + Duration::days(later);
                    let new = dashboard::compute(c, &js, &calendar, on, on, on).unwrap();
                    let old =
                        dashboard::folded::compute_folded(c, &js, &calendar, on, on, on).unwrap();
                    assert_eq!(
                        open_by_remaining(&new),
                        open_by_remaining(&old),
                        "open cases of {j} on {on}"
                    );
                    seen_red += new.red_cards;
                }
            }
            assert!(seen_red > 0, "the history has overdue cases");
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
}

/// Every case of the queue under `?due=band`, following the pages.
async fn band(actor: &oneseal_testkit::Actor, band: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut url = format!("/api/v1/cases?limit=200&due={band}");
    loop {
        let (status, page) = actor.get_json(&url).await;
        assert_eq!(status, 200, "{page}");
        out.extend(
            page["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["case_number"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => url = format!("/api/v1/cases?limit=200&due={band}&cursor={c}"),
            None => return out,
        }
    }
}

#[tokio::test]
async fn the_queues_due_bands_hold_the_cases_a_fold_puts_there() {
    let app = TestApp::spawn_history(300, 70, 31).await;
    for later in [0, 9, 30] {
        app.clock.set(START + Duration::days(later));
        // Signed in on the day (a session does not last a month).
        let clerk = app.clerk().await;
        let today = legal_date(START + Duration::days(later));
        let expected = app
            .store
            .read(move |c| {
                let calendar = CalendarStore::load(c)?.current();
                let mut bands: [Vec<String>; 4] = Default::default();
                for events in oneseal_store::statistics::case_histories(c, "370100")? {
                    let case = Case::apply(&events).unwrap();
                    if case.is_closed() || case.decision().is_some() {
                        continue;
                    }
                    let Some(d) = case.clock(&calendar, today).ok().and_then(|k| k.decision) else {
                        continue;
                    };
                    if d.paused {
                        continue;
                    }
                    let due = d.statutory.due;
                    let left = calendar.remaining(today, due, &[]).unwrap();
                    let i = if today > due {
                        0
                    } else if today == due {
                        1
                    } else if left <= 3 {
                        2
                    } else {
                        3
                    };
                    bands[i].push(case.received().case_number.as_str().to_owned());
                }
                for b in &mut bands {
                    b.sort();
                }
                Ok::<_, StoreError>(bands)
            })
            .await
            .unwrap();
        let mut any = 0;
        for (i, name) in ["overdue", "today", "soon", "later"].iter().enumerate() {
            let got = band(&clerk, name).await;
            assert_eq!(got, expected[i], "{name} on {today}");
            any += got.len();
        }
        assert!(any > 0, "some open case has a band on {today}");
    }
    let clerk = app.clerk().await;
    let r = clerk.get("/api/v1/cases?due=tomorrow").await;
    assert_eq!(r.status(), 400);
    assert_eq!(error_code(&r.json().await.unwrap()), "bad_filter");
    let page = clerk.get("/cases?due=overdue").await.text().await.unwrap();
    assert!(
        page.contains("<option value=\"overdue\" selected>"),
        "{page}"
    );
}

#[tokio::test]
async fn verify_rebuilds_the_due_dates_and_an_import_rewrites_them() {
    let app = TestApp::spawn_demo().await;
    // Accepted Mon 2026-12-28: the statutory limit runs into 2027, provisional until imported.
    app.clock.set(time::macros::datetime!(2026-12-28 09:00 +8));
    let number = case_ready_for_decision(&app).await;
    let (before, provisional) = due_row(&app, &number)
        .await
        .expect("an open case has a row");
    assert!(provisional);
    app.assert_consistent();
    let notice = include_bytes!("data/test-2027-notice.json").to_vec();
    let r = app
        .admin()
        .await
        .post_bytes("/api/v1/calendar/years", notice)
        .await;
    assert_eq!(r.status(), 200);
    let (after, provisional) = due_row(&app, &number).await.unwrap();
    assert!(!provisional, "the notice is loaded");
    let (before, after) = (before.unwrap(), after.unwrap());
    assert!(
        after > before,
        "the notice's extra rest day moves {before} on: {after}"
    );
    app.assert_consistent();
    // A decided case has no row.
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert_eq!(due_row(&app, &number).await, None);
}

async fn due_row(app: &TestApp, number: &str) -> Option<(Option<String>, bool)> {
    let n = number.to_owned();
    app.store
        .read(move |c| peek::case_due(c, &n))
        .await
        .unwrap()
}
