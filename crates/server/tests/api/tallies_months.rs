//! The month roll-ups (`case_tallies_monthly`, `alert_tallies_monthly`, migrations 63 and 64)
//! and the alert status counters (`alert_status_tallies`, migration 64), issue #17: on a
//! generated history of more than a year the month rows are the sums of their days, and the
//! accountability report, the per-item sums and the alert totals of any period (crossing month
//! and year ends, one day, the whole history) read through the months are those the day rows
//! alone give; the status counters are a `GROUP BY` of the alerts as they are raised and
//! closed; `ledger verify` and `rules replay` find a month row edited behind the log's back; the
//! migrations fill them on a database written before.

use oneseal_domain::org::DivisionCode;
use oneseal_server::services::rules::ReplayFinding;
use oneseal_server::services::rules::report::{ReportBy, report_rows, report_rows_in};
use oneseal_store::aggregates::{self, Period};
use oneseal_store::rules::{self, AlertTotals, tallies as alert_tallies};
use oneseal_store::{Conn, StoreError};
use oneseal_testkit::{TestApp, tamper};
use serde_json::json;

fn jurisdictions(c: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    Ok(oneseal_store::statistics::jurisdiction_names(c)?
        .into_iter()
        .map(|j| j.code)
        .collect())
}

fn sorted(mut v: Vec<AlertTotals>) -> Vec<AlertTotals> {
    v.sort_by_key(|t| {
        (
            t.responsible.clone(),
            t.responsible_department.clone(),
            t.rule_id.clone(),
            t.item.clone(),
        )
    });
    v
}

/// Fixed periods around the generated history (2025-09 to 2026-11-23), then random ones.
fn periods(seed: u64, n: usize) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = [
        ("2000-01-01", "2999-12-31"),
        ("2026-11-15", "2026-11-15"),
        ("2026-11-01", "2026-11-30"),
        ("2025-12-15", "2026-01-10"),
        ("2025-11-20", "2026-02-03"),
        ("2025-12-01", "2026-01-31"),
        ("2025-12-31", "2026-01-01"),
        ("2026-01-31", "2026-03-01"),
        ("2026-02-01", "2026-02-28"),
        ("2025-09-01", "2026-11-23"),
        ("2024-01-01", "2026-10-31"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    let mut x = seed | 1;
    let mut next = move |m: u64| {
        // xorshift64: reproducible, no dependency.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        i64::try_from(x % m).unwrap()
    };
    let base = time::Date::from_calendar_date(2025, time::Month::August, 1).unwrap();
    for _ in 0..n {
        let from = base + time::Duration::days(next(520));
        let len = match next(4) {
            0 => 0,
            1 => next(12),
            2 => next(90),
            _ => next(500),
        };
        let to = from + time::Duration::days(len);
        out.push((from.to_string(), to.to_string()));
    }
    out
}

/// The month rows equal their days summed, and every read through the months equals the read
/// of the same period from the days alone. Returns how many periods read some month rows and
/// found something.
fn compare(c: &mut dyn Conn, seed: u64) -> Result<usize, StoreError> {
    let days = aggregates::all(c)?;
    assert_eq!(
        aggregates::all_months(c)?,
        aggregates::by_month(&days),
        "case months"
    );
    let months_seen: std::collections::BTreeSet<String> =
        days.keys().map(|k| k.day[..7].to_owned()).collect();
    assert!(months_seen.len() > 12, "{months_seen:?}");
    let mut through_months = 0;
    for j in jurisdictions(c)? {
        let stored = alert_tallies::stored(c, &j)?;
        assert_eq!(
            alert_tallies::stored_months(c, &j)?,
            alert_tallies::by_month(&stored),
            "alert months of {j}"
        );
        assert_eq!(
            alert_tallies::statuses(c, &j)?,
            alert_tallies::statuses_grouped(c, &j)?,
            "alert statuses of {j}"
        );
        let code = DivisionCode::parse(&j).unwrap();
        for (from, to) in periods(seed, 60) {
            let (split, days) = (Period::split(&from, &to), Period::days_only(&from, &to));
            let what = format!("{j} {from}..{to}");
            assert_eq!(
                aggregates::item_totals_in(c, &j, &split)?,
                aggregates::item_totals_in(c, &j, &days)?,
                "items of {what}"
            );
            assert_eq!(
                aggregates::person_item_totals_in(c, &j, &split)?,
                aggregates::person_item_totals_in(c, &j, &days)?,
                "people of {what}"
            );
            assert_eq!(
                sorted(rules::alert_totals_in(c, &j, &split)?),
                sorted(rules::alert_totals_in(c, &j, &days)?),
                "alerts of {what}"
            );
            for by in [
                ReportBy::Person,
                ReportBy::Department,
                ReportBy::Item,
                ReportBy::Rule,
            ] {
                let new = report_rows(c, &code, by, &from, &to)?;
                let old = report_rows_in(c, &code, by, &days)?;
                assert_eq!(
                    serde_json::to_value(&new).unwrap(),
                    serde_json::to_value(&old).unwrap(),
                    "report by {} of {what}",
                    by.code()
                );
                if by == ReportBy::Rule && split != days && !old.is_empty() {
                    through_months += 1;
                }
            }
        }
    }
    Ok(through_months)
}

#[tokio::test]
async fn the_report_over_any_period_read_through_the_months_is_the_one_the_days_give() {
    let app = TestApp::spawn_history(150, 430, 31).await;
    let through_months = app.store.read(|c| compare(c, 31)).await.unwrap();
    assert!(through_months > 20, "{through_months} periods used months");
    // The whole history over HTTP: the page and the API answer from the months.
    let head = app.head().await;
    let (status, body) = head
        .get_json("/api/v1/reports/accountability?by=item")
        .await;
    assert_eq!(status, 200, "{body}");
    let r = head.get("/reports?from=2000-01-01&to=2999-12-31").await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn the_alert_status_counters_follow_raising_and_closing() {
    let app = TestApp::spawn_history(80, 40, 7).await;
    let open: Vec<String> = app
        .store
        .read(|c| rules::alert_page(c, "370100", Some("open"), None, 3))
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|a| a.alert_id)
        .collect();
    assert_eq!(open.len(), 3, "three open alerts to close");
    let counts = |c: &mut dyn Conn| -> Result<_, StoreError> {
        let grouped = alert_tallies::statuses_grouped(c, "370100")?;
        assert_eq!(alert_tallies::statuses(c, "370100")?, grouped);
        let (open, closed) = rules::alert_counts(c, "370100")?;
        assert_eq!(grouped.get("open").copied().unwrap_or(0), open);
        assert_eq!(grouped.get("closed").copied().unwrap_or(0), closed);
        Ok((open, closed))
    };
    let before = app.store.read(counts).await.unwrap();
    let inspector = app.inspector().await;
    for id in &open {
        let r = inspector
            .post(
                &format!("/api/v1/alerts/{id}/close"),
                &json!({"outcome": "justified", "explanation": "已核实：审批人在值班期间依法作出决定"}),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    // A second close is refused and moves nothing.
    let r = inspector
        .post(
            &format!("/api/v1/alerts/{}/close", open[0]),
            &json!({"outcome": "justified", "explanation": "再次关闭：同一预警不应关闭两次"}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let after = app.store.read(counts).await.unwrap();
    assert_eq!(after, (before.0 - 3, before.1 + 3));
    let (status, body) = inspector.get_json("/api/v1/alerts").await;
    assert_eq!(status, 200, "{body}");
    app.assert_consistent();
}

#[tokio::test]
async fn verify_and_replay_find_month_rows_changed_behind_the_logs_back() {
    let app = TestApp::spawn_history(60, 40, 5).await;
    app.expect_corrupted();
    let (case_month, alert_month, status) = app
        .store
        .write(|tx| tamper::bump_month_tallies(tx.conn(), "370100"))
        .await
        .unwrap();
    let text = app.ledger_finding_texts().await;
    for (table, key) in [
        ("case_tallies_monthly", &case_month),
        ("alert_tallies_monthly", &alert_month),
        ("alert_status_tallies", &status),
    ] {
        assert!(
            text.iter()
                .any(|t| t.starts_with(&format!("table {table}")) && t.contains(key.as_str())),
            "{table} {key}: {text:?}"
        );
    }
    assert!(
        !text
            .iter()
            .any(|t| t.starts_with("table case_tallies,") || t.starts_with("table alert_tallies,")),
        "the day rows are untouched: {text:?}"
    );
    // Replay recounts the proved alerts per month too: the month row is off by the one added.
    let findings = app.replay_findings().await;
    assert!(
        findings.iter().any(|f| matches!(f,
            ReplayFinding::Tally { log, key, recorded, proved }
                if log == "370100" && key.starts_with(&format!("{alert_month}/"))
                    && *recorded == *proved + 1)),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .all(|f| matches!(f, ReplayFinding::Tally { .. })),
        "only counters differ: {findings:?}"
    );
}

#[tokio::test]
async fn migrations_63_and_64_fill_the_months_and_counters_of_an_older_database() {
    let app = TestApp::spawn_history(60, 70, 9).await;
    let counters = |c: &mut dyn Conn| -> Result<_, StoreError> {
        let mut out = vec![format!("{:?}", aggregates::all_months(c)?)];
        for j in jurisdictions(c)? {
            out.push(format!(
                "{:?} {:?}",
                alert_tallies::stored_months(c, &j)?,
                alert_tallies::statuses(c, &j)?
            ));
        }
        Ok(out)
    };
    let before = app.store.read(counters).await.unwrap();
    assert!(
        !app.store
            .read(aggregates::all_months)
            .await
            .unwrap()
            .is_empty()
    );
    app.store
        .write(|tx| tamper::forget_month_tallies(tx.conn()))
        .await
        .unwrap();
    assert_eq!(app.migrate_again(), [63, 64]);
    assert_eq!(app.store.read(counters).await.unwrap(), before);
    // The end check (verify, replay) then finds the filled rows equal to the replayed ones.
}
