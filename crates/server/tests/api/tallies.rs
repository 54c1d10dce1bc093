//! The push and alert counters (`push_tallies`, `alert_tallies`, migrations 61 and 62, issue
//! #17 item 2): on generated histories they equal a `GROUP BY` of the rows they count, the
//! push counts and the accountability report's alert totals read from them are those the former
//! per-request `GROUP BY`s gave, `ledger verify` and `rules replay` find a counter edited behind
//! the log's back, and the migrations fill them on a database written before.

use oneseal_domain::case::legal_date;
use oneseal_domain::org::DivisionCode;
use oneseal_server::services::rules::ReplayFinding;
use oneseal_store::linkage::{pushes, tallies as push_tallies};
use oneseal_store::rules::{self, AlertTotals, tallies as alert_tallies};
use oneseal_store::{Conn, StoreError};
use oneseal_testkit::{START, TestApp, tamper};
use proptest::prelude::*;

fn jurisdictions(c: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    Ok(oneseal_store::statistics::jurisdiction_names(c)?
        .into_iter()
        .map(|j| j.code)
        .collect())
}

fn sorted(mut v: Vec<AlertTotals>) -> Vec<AlertTotals> {
    v.sort_by(|a, b| {
        let key = |t: &AlertTotals| {
            (
                t.responsible.clone(),
                t.responsible_department.clone(),
                t.rule_id.clone(),
                t.item.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    v
}

/// Every counter equals the `GROUP BY` of its rows, and every figure read from the counters
/// equals the one the `GROUP BY`s gave. Returns (pushes, alerts, overdue figures seen).
fn compare(c: &mut dyn Conn) -> Result<(i64, i64, i64), StoreError> {
    let today = legal_date(START);
    let (mut pushed, mut alerted, mut overdue) = (0, 0, 0);
    for j in jurisdictions(c)? {
        let stored = push_tallies::stored(c, &j)?;
        assert_eq!(
            stored,
            push_tallies::grouped(c, &j)?,
            "push counters of {j}"
        );
        pushed += stored.values().sum::<i64>();
        let stored = alert_tallies::stored(c, &j)?;
        assert_eq!(
            stored,
            alert_tallies::grouped(c, &j)?,
            "alert counters of {j}"
        );
        alerted += stored.values().sum::<i64>();
        let code = DivisionCode::parse(&j).unwrap();
        for shift in [-400, -40, -7, -1, 0, 1, 3, 30] {
            let day = (today + time::Duration::days(shift)).to_string();
            let new = pushes::stats(c, &code, &day)?;
            assert_eq!(new, pushes::stats_grouped(c, &code, &day)?, "{j} on {day}");
            overdue += new.iter().map(|r| r.overdue).sum::<i64>();
        }
        for (from, to) in [
            ("2000-01-01", "2999-12-31"),
            ("2026-10-01", "2026-10-31"),
            ("2026-11-15", "2026-11-15"),
        ] {
            assert_eq!(
                sorted(rules::alert_totals(c, &j, from, to)?),
                sorted(rules::alert_totals_grouped(c, &j, from, to)?),
                "alert totals of {j} {from}..{to}"
            );
        }
    }
    Ok((pushed, alerted, overdue))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    /// Whatever the history, the counters the events kept equal a `GROUP BY` of the rows (a
    /// small history may hold no push: the fixed history below proves the check not empty).
    #[test]
    fn the_push_and_alert_counters_equal_a_group_by_of_their_rows(seed in any::<u64>(), cases in 10u32..80, days in 3u32..40) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let app = TestApp::spawn_history(cases, days, seed).await;
            app.store.read(compare).await.unwrap()
        });
    }
}

#[tokio::test]
async fn the_push_counts_and_alert_totals_are_those_the_group_bys_gave() {
    let app = TestApp::spawn_history(300, 70, 23).await;
    let (pushed, alerted, overdue) = app.store.read(compare).await.unwrap();
    assert!(pushed > 20, "{pushed} pushes");
    assert!(alerted > 20, "{alerted} alerts");
    assert!(overdue > 0, "some push is overdue on some day");
}

#[tokio::test]
async fn verify_and_replay_find_counters_changed_behind_the_logs_back() {
    let app = TestApp::spawn_history(60, 20, 5).await;
    app.expect_corrupted();
    let (push, day) = app
        .store
        .write(|tx| {
            Ok::<_, StoreError>((
                tamper::bump_push_tally(tx.conn(), "370100")?,
                tamper::bump_alert_tally(tx.conn(), "370100")?,
            ))
        })
        .await
        .unwrap();
    let report = app
        .store
        .read(|c| oneseal_server::services::ledger::audit::verify(c, &mut |_, _, _| ()))
        .await
        .unwrap();
    let text: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    let (department, status) = push.split_once('/').unwrap();
    assert!(
        text.iter().any(|t| t.starts_with("table push_tallies")
            && t.contains("column pushes")
            && t.contains(department)
            && t.contains(status)),
        "{push}: {text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("table alert_tallies") && t.contains(&day)),
        "{day}: {text:?}"
    );
    // Replay recounts the alerts the log proves: the same counter is off by the one added.
    let findings = app.replay_findings().await;
    assert!(
        findings.iter().any(|f| matches!(f,
            ReplayFinding::Tally { log, key, recorded, proved }
                if log == "370100" && key.starts_with(&day) && *recorded == *proved + 1)),
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
async fn migrations_61_and_62_fill_the_counters_of_an_older_database() {
    let app = TestApp::spawn_history(60, 20, 9).await;
    let counters = |c: &mut dyn Conn| -> Result<_, StoreError> {
        let mut out = Vec::new();
        for j in jurisdictions(c)? {
            out.push((push_tallies::stored(c, &j)?, alert_tallies::stored(c, &j)?));
        }
        Ok(out)
    };
    let before = app.store.read(counters).await.unwrap();
    assert!(before.iter().any(|(p, a)| !p.is_empty() && !a.is_empty()));
    app.store
        .write(|tx| tamper::forget_push_and_alert_tallies(tx.conn()))
        .await
        .unwrap();
    let applied = app.migrate_again();
    assert_eq!(applied, [61, 62]);
    assert_eq!(app.store.read(counters).await.unwrap(), before);
    // The end check (verify, replay) then finds the filled counters equal to the replayed ones.
}
