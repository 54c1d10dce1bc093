//! The bans of Art. 78–79 as a projection (issue #17: intake no slower with an applicant's
//! history): `applicant_bans` gets its rows when the banning event is written, `ledger verify`
//! rebuilds and compares them, migration 60 fills them for data written before it, and an
//! applicant's earlier cases cost intake nothing.

use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_testkit::{Actor, TestApp, error_code, peek, tamper};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::cases::{case_ready_for_decision_by, step};
use crate::lawgaps::organisation;

/// 食品经营许可: bears on health (`public_safety`), so both bans apply to it.
const FOOD: &str = "990100001000";

/// Organisation `n` (1, 2, 3): a credit code and a name of its own.
fn company(n: usize) -> Value {
    let uscc =
        UnifiedSocialCreditCode::with_check_character(&format!("91370100MA3C0RT{n}X")).unwrap();
    let name = ["甲", "乙", "丙"][n - 1];
    organisation(&format!("济南{name}食品有限公司"), uscc.as_str())
}

async fn received(clerk: &Actor, applicant: &Value) -> (u16, Value) {
    let r = clerk
        .post(
            "/api/v1/cases",
            &json!({"item_code": FOOD, "channel": "window", "applicant": applicant}),
        )
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn not_accepted(ground: &str) -> Value {
    let mut outcome = json!({"ground": ground, "reasons": ["材料不实"],
        "remedies": {"reconsideration": "济南市人民政府", "litigation": "济南市中级人民法院"}});
    if ground == "not_competent" {
        outcome["competent_authority"] = json!("山东省市场监督管理局");
    }
    json!({"action": "refuse_acceptance", "outcome": outcome})
}

/// On 2026-09-07: company 1 not accepted for false materials (Art. 78, until 2027-09-07) and
/// company 2's licence granted and revoked for deception (Art. 79, until 2029-09-07). Returns
/// the two cases' numbers.
async fn one_ban_of_each(app: &TestApp) -> (String, String) {
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    let (_, created) = received(&clerk, &company(1)).await;
    let refused = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &refused, not_accepted("false_materials")).await;
    let granted = case_ready_for_decision_by(app, FOOD, company(2)).await;
    let out = step(
        &app.approver().await,
        &granted,
        json!({"action": "decide", "decision": {"outcome": "approve"}}),
    )
    .await;
    let licence = out["sealed"]["license_id"].as_str().unwrap().to_owned();
    let r = app
        .approver()
        .await
        .post(
            &format!("/api/v1/licences/{licence}/actions"),
            &json!({"action": "revoke", "reason": "经查以欺骗手段取得", "ground": "deception", "rights_harmed": false}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    (refused, granted)
}

async fn banned(app: &TestApp, applicant: &Value) -> bool {
    let (status, body) = received(&app.clerk().await, applicant).await;
    match status {
        409 => {
            assert_eq!(error_code(&body), "applicant_banned", "{body}");
            true
        }
        200 => false,
        _ => panic!("{status}: {body}"),
    }
}

fn expected_rows(refused: &str, granted: &str) -> Vec<String> {
    let mut rows = vec![
        format!("{refused} art78 2026-09-07 2027-09-07"),
        format!("{granted} art79 2026-09-07 2029-09-07"),
    ];
    rows.sort();
    rows
}

#[tokio::test]
async fn a_ban_is_recorded_with_its_event_and_verify_finds_it_moved_without_naming_the_applicant() {
    let app = TestApp::spawn_demo().await;
    let (refused, granted) = one_ban_of_each(&app).await;
    let rows = app.store.read(peek::applicant_bans).await.unwrap();
    assert_eq!(rows, expected_rows(&refused, &granted));
    app.assert_consistent();
    // The Art. 79 ban shortened behind the system's back: the holder could apply again.
    let n = granted.clone();
    let changed = app
        .store
        .write(move |tx| tamper::set_ban_until(tx.conn(), &n, "art79", "2026-09-08"))
        .await
        .unwrap();
    assert_eq!(changed, 1);
    app.expect_corrupted();
    app.clock.set(datetime!(2026-09-09 09:00 +8));
    assert!(!banned(&app, &company(2)).await);
    let findings = app.ledger_finding_texts().await;
    assert!(
        findings.iter().any(|f| f.contains("applicant_bans")
            && f.contains(&granted)
            && f.contains("until")
            && f.contains("2029-09-07")),
        "{findings:?}"
    );
    let uscc = company(2)["uscc"].as_str().unwrap().to_owned();
    assert!(findings.iter().all(|f| !f.contains(&uscc)), "{findings:?}");
}

#[tokio::test]
async fn verify_finds_bans_deleted_behind_the_systems_back() {
    let app = TestApp::spawn_demo().await;
    let (refused, granted) = one_ban_of_each(&app).await;
    app.clock.set(datetime!(2027-03-01 09:00 +8));
    assert!(banned(&app, &company(1)).await && banned(&app, &company(2)).await);
    let deleted = app
        .store
        .write(|tx| tamper::delete_applicant_bans(tx.conn()))
        .await
        .unwrap();
    assert_eq!(deleted, 2);
    app.expect_corrupted();
    let findings = app.ledger_finding_texts().await;
    for number in [&refused, &granted] {
        assert!(
            findings
                .iter()
                .any(|f| f.contains("applicant_bans") && f.contains(number.as_str())),
            "{number}: {findings:?}"
        );
    }
}

#[tokio::test]
async fn migration_60_records_the_bans_of_a_history_written_before_it() {
    let app = TestApp::spawn_demo().await;
    let (refused, granted) = one_ban_of_each(&app).await;
    // Cases that bar nobody leave no row: another ground, and a plain refusal.
    let clerk = app.clerk().await;
    let (_, created) = received(&clerk, &company(3)).await;
    let n3 = created["case_number"].as_str().unwrap().to_owned();
    step(&clerk, &n3, not_accepted("not_competent")).await;
    let rows = expected_rows(&refused, &granted);
    assert_eq!(app.store.read(peek::applicant_bans).await.unwrap(), rows);

    // Written before migration 59 and 60: case events plain, no bans recorded. The backfill
    // reads the plain bodies.
    app.store
        .write(|tx| {
            tamper::unpack_case_events(tx.conn())?;
            tamper::delete_applicant_bans(tx.conn())
        })
        .await
        .unwrap();
    assert!(
        app.store
            .read(peek::applicant_bans)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(app.end_check().is_err(), "verify must miss the bans");
    app.store
        .write(|tx| oneseal_store::applicants::backfill(tx.conn()))
        .await
        .unwrap();
    assert_eq!(app.store.read(peek::applicant_bans).await.unwrap(), rows);
    app.assert_consistent();

    // The migration itself, on a database without the table: made, filled, verified.
    app.store
        .write(|tx| tamper::forget_applicant_bans(tx.conn()))
        .await
        .unwrap();
    let applied = app.migrate_again();
    assert_eq!(applied, [59, 60]);
    assert_eq!(app.store.read(peek::applicant_bans).await.unwrap(), rows);
    app.assert_consistent();
    app.clock.set(datetime!(2027-03-01 09:00 +8));
    assert!(banned(&app, &company(1)).await);
    assert!(banned(&app, &company(2)).await);
    assert!(!banned(&app, &company(3)).await);
}

/// The writer's round trips and commands so far, from `/metrics`.
async fn writer_counts(app: &TestApp) -> (u64, u64) {
    let text = app.anonymous().get("/metrics").await.text().await.unwrap();
    let read = |name: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing: {text}"))
    };
    (
        read("oneseal_writer_round_trips_total"),
        read("oneseal_writer_commands_total"),
    )
}

/// The round trips one intake of `applicant` costs the writer (a command of its own).
async fn intake_round_trips(app: &TestApp, clerk: &Actor, applicant: &Value) -> u64 {
    let (trips, commands) = writer_counts(app).await;
    let (status, body) = received(clerk, applicant).await;
    assert_eq!(status, 200, "{body}");
    let (trips_after, commands_after) = writer_counts(app).await;
    assert_eq!(commands_after - commands, 1, "only the intake wrote");
    trips_after - trips
}

#[tokio::test]
async fn an_applicants_earlier_cases_for_the_item_cost_intake_no_round_trip() {
    let app = TestApp::spawn_demo().await;
    app.clock.set(datetime!(2026-09-07 09:00 +8));
    let clerk = app.clerk().await;
    // Company 1 filed 24 times before for the item, each answered (not accepted on grounds
    // that bar nobody): what the ban check read one by one before, in the single writer.
    for _ in 0..24 {
        let (_, created) = received(&clerk, &company(1)).await;
        let number = created["case_number"].as_str().unwrap().to_owned();
        step(&clerk, &number, not_accepted("not_competent")).await;
    }
    let fresh = intake_round_trips(&app, &clerk, &company(2)).await;
    let long = intake_round_trips(&app, &clerk, &company(1)).await;
    let again = intake_round_trips(&app, &clerk, &company(3)).await;
    assert!(
        long <= fresh.max(again),
        "{long} round trips for an applicant with 24 earlier cases, {fresh} and {again} for new ones"
    );
}
