//! Rewriting the working-day calendar (issue #22, item 4): re-importing a year in force could
//! move open cases' deadlines (five invented holidays in December moved a due date by a week)
//! and erase past holidays (2025 with every holiday removed was accepted). Days up to today are
//! history; later days change only through a correction proposed by the city's administrator
//! with a reason and a source, approved by the city's bureau head, and a decided case keeps the
//! dates it was decided under.

use oneseal_testkit::{Actor, TestApp, error_code};
use serde_json::{Value, json};
use time::macros::{date, datetime};

use crate::cases::{case_ready_for_decision, step};

const Y2025: &str = include_str!("../../../../domain/data/calendar/2025.json");
const Y2026: &str = include_str!("../../../../domain/data/calendar/2026.json");

/// A reason text nobody else writes, to look for on the public ledger.
const REASON: &str = "局务会讨论：因保密缘由调整十二月安排（内部意见）";
const SOURCE: &str = "国办发明电〔2026〕99号（测试）";

/// `year` with `holidays` added (all of its overrides dropped first with `drop_all`).
fn year_with(json: &str, holidays: &[&str], drop_all: bool) -> Value {
    let mut v: Value = serde_json::from_str(json).unwrap();
    let list = v["overrides"].as_array_mut().unwrap();
    if drop_all {
        list.clear();
    }
    for d in holidays {
        list.push(json!({"date": d, "kind": "holiday", "name": "虚构假日"}));
    }
    v
}

async fn import(admin: &Actor, year: &Value) -> (u16, Value) {
    let r = admin
        .post_bytes("/api/v1/calendar/years", year.to_string().into_bytes())
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn propose(admin: &Actor, year: &Value) -> (u16, Value) {
    let r = admin
        .post(
            "/api/v1/calendar/corrections",
            &json!({"calendar": year, "reason": REASON, "source": SOURCE}),
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn approve(actor: &Actor, id: &str) -> (u16, Value) {
    let r = actor
        .post(
            &format!("/api/v1/calendar/corrections/{id}/approve"),
            &json!({}),
        )
        .await;
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// (statutory due, delivery due) of a case as the API shows it.
async fn dues(app: &TestApp, number: &str) -> (Value, Value) {
    let (_, c) = app
        .head()
        .await
        .get_json(&format!("/api/v1/cases/{number}"))
        .await;
    (
        c["clock"]["decision"]["statutory"]["due"].clone(),
        c["clock"]["delivery"]["due"]["due"].clone(),
    )
}

async fn public_entries(app: &TestApp) -> Vec<String> {
    app.store
        .read(|c| {
            let mut out = Vec::new();
            for (log, size, _) in oneseal_store::log::heads(c)? {
                for (_, e) in oneseal_store::log::entries(c, &log, 0, size)? {
                    out.push(String::from_utf8(e).unwrap());
                }
            }
            Ok::<_, oneseal_store::StoreError>(out)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn attacks_reimporting_a_past_year_with_its_holidays_removed_is_refused() {
    let app = TestApp::spawn_demo().await;
    let admin = app.admin().await;
    let before = public_entries(&app).await.len();
    let emptied = year_with(Y2025, &[], true);
    let (status, body) = import(&admin, &emptied).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(error_code(&body), "calendar_history_immutable");
    let message = body["error"]["message_zh"].as_str().unwrap();
    assert!(
        message.contains("2025-01-01"),
        "names the first day: {body}"
    );
    assert!(
        body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("2025-01-01")
    );
    // Not through a correction either.
    let (status, body) = propose(&admin, &emptied).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "calendar_history_immutable")
    );
    // The same file again is accepted and changes nothing.
    let same: Value = serde_json::from_str(Y2025).unwrap();
    let (status, body) = import(&admin, &same).await;
    assert_eq!((status, &body["unchanged"]), (200, &json!(true)), "{body}");
    assert_eq!(public_entries(&app).await.len(), before, "nothing recorded");
    let (_, years) = admin.get_json("/api/v1/calendar/years").await;
    assert_eq!(
        years["years"][0]["source"]["document_number"],
        "国办发明电〔2024〕12号"
    );
}

#[tokio::test]
async fn attacks_the_current_years_past_is_history_and_later_days_move_only_when_the_head_approves()
{
    let app = TestApp::spawn_demo().await;
    // Accepted 2026-11-23: 20 working days end on 2026-12-21.
    let open = case_ready_for_decision(&app).await;
    let decided = case_ready_for_decision(&app).await;
    step(
        &app.approver().await,
        &decided,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    assert_eq!(dues(&app, &open).await.0, "2026-12-21");
    let decided_before = dues(&app, &decided).await;
    assert_eq!(decided_before.0, "2026-12-21", "{decided_before:?}");

    app.clock.set(datetime!(2026-12-02 09:00 +8));
    let admin = app.admin().await;
    // Five invented holidays from 1 December: the first is today's past.
    let invented = [
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-07",
    ];
    let rewrite = year_with(Y2026, &invented, false);
    for (status, body) in [
        import(&admin, &rewrite).await,
        propose(&admin, &rewrite).await,
    ] {
        assert_eq!(status, 409, "{body}");
        assert_eq!(error_code(&body), "calendar_history_immutable");
        assert!(
            body["error"]["message_zh"]
                .as_str()
                .unwrap()
                .contains("2026-12-01")
        );
    }
    assert_eq!(dues(&app, &open).await.0, "2026-12-21", "nothing moved");

    // Holidays after today only: not by import, but as a correction.
    let later = [
        "2026-12-14",
        "2026-12-15",
        "2026-12-16",
        "2026-12-17",
        "2026-12-18",
    ];
    let corrected = year_with(Y2026, &later, false);
    let (status, body) = import(&admin, &corrected).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "calendar_correction_required"),
        "{body}"
    );
    let (status, proposal) = propose(&admin, &corrected).await;
    assert_eq!(status, 200, "{proposal}");
    let id = proposal["correction_id"].as_str().unwrap().to_owned();
    let moving = proposal["moving"].as_array().unwrap();
    assert!(
        moving.iter().any(|m| m["case_number"] == open.as_str()
            && m["deadline"] == "statutory"
            && m["old_due"] == "2026-12-21"
            && m["new_due"] == "2026-12-28"),
        "the open case's deadline moves by a week: {proposal}"
    );
    assert!(
        !moving.iter().any(|m| m["case_number"] == decided.as_str()),
        "a decided case keeps its dates: {proposal}"
    );
    assert_eq!(
        dues(&app, &open).await.0,
        "2026-12-21",
        "no effect before approval"
    );

    // Only the city's bureau head approves; the proposer, a county head, a clerk may not.
    for who in ["ADMIN", "PY-HEAD", "CLERK", "APPROVE"] {
        let (status, body) = approve(&app.sign_in(who).await, &id).await;
        assert_eq!(status, 403, "{who}: {body}");
    }
    let (status, body) = approve(&app.head().await, "CC2026-9999").await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(dues(&app, &open).await.0, "2026-12-21");

    let head = app.head().await;
    let (status, approval) = approve(&head, &id).await;
    assert_eq!(status, 200, "{approval}");
    assert_eq!(
        dues(&app, &open).await.0,
        "2026-12-28",
        "the open case moved"
    );
    assert_eq!(
        dues(&app, &decided).await,
        decided_before,
        "the decided case keeps the dates it was decided under"
    );
    let (status, body) = approve(&head, &id).await;
    assert_eq!(
        (status, error_code(&body)),
        (409, "calendar_correction_not_pending")
    );

    // A server process started now rebuilds the same calendar, history included.
    let cal = app
        .store
        .read(|c| oneseal_server::services::calendar::stored(c))
        .await
        .unwrap();
    assert!(!cal.is_working_day(date!(2026 - 12 - 14)).unwrap());
    assert!(
        cal.in_force_at(datetime!(2026-11-23 12:00 +8))
            .is_working_day(date!(2026 - 12 - 14))
            .unwrap()
    );

    // The public ledger records both steps, but neither the reason nor the source.
    let entries = public_entries(&app).await;
    let kinds: Vec<&String> = entries
        .iter()
        .filter(|e| e.contains("calendar.correction_"))
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    for e in &entries {
        assert!(!e.contains(REASON) && !e.contains("保密缘由"), "{e}");
        assert!(!e.contains(SOURCE), "{e}");
    }
    app.assert_consistent();
}
