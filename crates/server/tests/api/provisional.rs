//! Deadlines on the case desk while a year's State Council notice is not loaded: provisional (暂定)
//! dates, the import that replaces them, and the calendar page.

use oneseal_testkit::{TestApp, error_code};
use serde_json::{Value, json};

use crate::cases::{case_ready_for_decision, step};

#[tokio::test]
async fn a_deadline_in_a_year_not_loaded_is_provisional_until_the_notice_is_imported() {
    let app = TestApp::spawn_demo().await;
    let number = case_ready_for_decision(&app).await;
    // 20 working days from Mon 2026-11-23 end on 2026-12-21. Ten more: 12-22..12-25 → 4,
    // 12-28..12-31 → 8, Fri 2027-01-01 New Year's Day (statutory), Mon 01-04, Tue 01-05 → 10.
    step(&app.head().await, &number, json!({"action": "extend", "authority": {"head": "bureau_head"}, "working_days": 10, "reason": "需补充论证", "applicant_notified_on": "2026-11-23"})).await;
    let clerk = app.clerk().await;
    let case_url = format!("/api/v1/cases/{number}");
    let (_, before) = clerk.get_json(&case_url).await;
    let statutory = &before["clock"]["decision"]["statutory"];
    assert_eq!(statutory["due"], "2027-01-05", "{before}");
    assert_eq!(statutory["provisional"], true, "{before}");
    assert_eq!(before["clock"]["provisional"], true);
    assert_eq!(
        before["clock"]["decision"]["promised"]["provisional"],
        false
    );
    let zh = before["explanation_zh"].as_str().unwrap();
    assert!(
        zh.contains("截止2027-01-05（暂定）") && zh.contains("2027年的国务院放假通知尚未导入"),
        "{zh}"
    );
    let queue = clerk.get("/cases").await.text().await.unwrap();
    assert!(
        queue.contains("（暂定）"),
        "the queue marks provisional remaining days"
    );

    let notice = include_bytes!("data/test-2027-notice.json").to_vec();
    let r = clerk
        .post_bytes("/api/v1/calendar/years", notice.clone())
        .await;
    assert_eq!(r.status(), 403, "only administrators load calendars");
    let r = clerk
        .post_bytes("/api/v1/calendar/preview", notice.clone())
        .await;
    assert_eq!(r.status(), 403, "only administrators preview an import");
    let admin = app.admin().await;
    let r = admin
        .post_bytes("/api/v1/calendar/years", b"{\"year\": 2027}".to_vec())
        .await;
    assert_eq!(error_code(&r.json().await.unwrap()), "bad_calendar");

    // The preview shows the difference from the provisional year and the deadline that moves,
    // and records nothing.
    let r = admin
        .post_bytes("/api/v1/calendar/preview", notice.clone())
        .await;
    assert_eq!(r.status(), 200);
    let preview: Value = r.json().await.unwrap();
    assert_eq!(preview["action"], "import", "{preview}");
    assert_eq!(
        preview["versus_provisional"]["extra_rest_days"],
        json!(["2027-01-04"])
    );
    // The test file leaves out every statutory holiday after New Year's Day: flagged.
    assert_eq!(
        preview["versus_provisional"]["statutory_days_missing"]
            .as_array()
            .unwrap()
            .len(),
        12
    );
    let moved = json!([{"case_number": number, "deadline": "statutory", "old_due": "2027-01-05", "new_due": "2027-01-06"}]);
    assert_eq!(preview["moving"], moved, "{preview}");
    let (_, still) = clerk.get_json(&case_url).await;
    assert_eq!(still["clock"]["decision"]["statutory"]["provisional"], true);

    // The import recounts the open case and records what moved.
    let r = admin.post_bytes("/api/v1/calendar/years", notice).await;
    assert_eq!(r.status(), 200);
    let imported: Value = r.json().await.unwrap();
    assert_eq!(imported["moving"], moved, "{imported}");
    let (_, after) = clerk.get_json(&case_url).await;
    let statutory = &after["clock"]["decision"]["statutory"];
    assert_eq!(statutory["due"], "2027-01-06", "{after}");
    assert_eq!(statutory["provisional"], false);
    assert_eq!(after["clock"]["provisional"], false);
    assert!(
        !after["explanation_zh"].as_str().unwrap().contains("暂定"),
        "{after}"
    );

    // The head sees which deadline moved, on the API and on the calendar page.
    let head = app.head().await;
    let (status, moves) = head.get_json("/api/v1/calendar/moves").await;
    assert_eq!(status, 200);
    assert_eq!(
        moves["moves"],
        json!([{"source": "import:2027", "year": 2027, "case_number": number, "deadline": "statutory", "old_due": "2027-01-05", "new_due": "2027-01-06"}])
    );
    let page = head.get("/calendar").await.text().await.unwrap();
    assert!(
        page.contains(&number)
            && page.contains("2027-01-06")
            && page.contains("导入2027年放假通知")
    );
    assert!(!page.contains("calendar-form"), "the head does not import");
    let (status, _) = clerk.get_json("/api/v1/calendar/moves").await;
    assert_eq!(status, 403);

    // The public entry counts the moved deadlines and names no case.
    let index = imported["ledger_index"].as_u64().unwrap();
    app.checkpoint().await;
    let entry = app
        .anonymous()
        .get(&format!("/api/v1/log/370100/entries/{index}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(entry.contains("\"moving_deadlines\":1"), "{entry}");
    assert!(!entry.contains(&number), "{entry}");
    let (_, years) = clerk.get_json("/api/v1/calendar/years").await;
    assert_eq!(years["years"].as_array().unwrap().len(), 3);
    app.assert_consistent();
}

#[tokio::test]
async fn the_calendar_page_shows_provisional_years_and_the_import_form_to_the_administrator() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let page = admin.get("/calendar").await.text().await.unwrap();
    // Today is 2026-11-23: 2026 from its notice, 2027 provisional.
    assert!(
        page.contains("国务院办公厅关于2026年部分节假日安排的通知"),
        "{page}"
    );
    assert!(page.contains("2027") && page.contains("暂定"), "{page}");
    assert!(page.contains("id=\"calendar-form\""));
    assert!(
        page.contains("href=\"/calendar\""),
        "the navigation links the page"
    );
    assert_eq!(app.clerk().await.get("/calendar").await.status(), 403);
    // The same file again: unchanged; a year in force with a changed past day: refused.
    let r = admin
        .post_bytes(
            "/api/v1/calendar/preview",
            include_bytes!("../../../domain/data/calendar/2026.json").to_vec(),
        )
        .await;
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["action"], "unchanged", "{p}");
    assert!(
        p["versus_provisional"]["statutory_days_missing"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// The step counters of a decision made while its year was provisional (early January, before
/// the State Council notice is imported) are recounted by the import, in its transaction, so
/// that `ledger verify` — which times every decision with the calendar the database holds —
/// finds them equal (issue #17: the counters' known gap of session 8).
#[tokio::test]
async fn importing_a_provisional_year_recounts_the_decisions_already_made_in_it() {
    let app = TestApp::spawn_demo().await;
    // Accepted on Mon 2026-12-28 (2026 from its notice), decided on Tue 2027-01-05 while 2027
    // is provisional: 12-29, 12-30, 12-31, (01-01 New Year's Day), 01-04, 01-05 → 5 working
    // days. The test notice also rests on Mon 01-04 → 4.
    app.clock.set(time::macros::datetime!(2026-12-28 09:00 +8));
    let number = case_ready_for_decision(&app).await;
    app.clock.set(time::macros::datetime!(2027-01-05 10:00 +8));
    step(
        &app.approver().await,
        &number,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let slot = |name: &str| {
        oneseal_store::aggregates::COUNTERS
            .iter()
            .position(|c| *c == name)
            .unwrap()
    };
    let before = decision_tallies(&app, "2027-01-05").await;
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0].0[slot("timed")], 1);
    assert_eq!(before[0].0[slot("working_days")], 5, "{before:?}");
    app.assert_consistent();

    let notice = include_bytes!("data/test-2027-notice.json").to_vec();
    let r = app
        .admin()
        .await
        .post_bytes("/api/v1/calendar/years", notice)
        .await;
    assert_eq!(r.status(), 200);
    let after = decision_tallies(&app, "2027-01-05").await;
    assert_eq!(after[0].0[slot("working_days")], 4, "{after:?}");
    assert_eq!(after[0].0[slot("decided")], 1);
    assert_eq!(after[0].0[slot("on_time")], 1);
    // `ledger verify` rebuilds the counters with the imported year and finds them equal (the
    // app's end check runs it again when the test ends).
    app.assert_consistent();
}

/// The counters of the decisions (rows with an approving official) of `day`.
async fn decision_tallies(app: &TestApp, day: &str) -> Vec<oneseal_store::aggregates::Counts> {
    let day = day.to_owned();
    app.store
        .read(|c| oneseal_store::aggregates::all(c))
        .await
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k.day == day && !k.person.is_empty())
        .map(|(_, v)| v)
        .collect()
}
