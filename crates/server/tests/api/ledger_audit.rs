//! `ledger verify --incremental`: what a run records, where the next one starts, and that what
//! was appended since is checked as strictly as a full run checks it.

use oneseal_server::services::ledger::audit::{Checked, Mode, Report, record, run};
use oneseal_testkit::{TestApp, tamper};

use crate::cases::case_ready_for_decision;

const CITY: &str = "370100";

/// One recorded run, as the CLI makes it.
async fn audit(app: &TestApp, mode: Mode, at: &'static str) -> Report {
    app.store
        .write(move |tx| {
            let report = run(tx.conn(), mode, &mut |_, _, _| ())?;
            record(tx.conn(), &report, mode, at)?;
            Ok::<_, oneseal_store::StoreError>(report)
        })
        .await
        .unwrap()
}

fn city(report: &Report) -> Checked {
    report
        .checked
        .iter()
        .find(|c| c.log == CITY)
        .cloned()
        .expect("the city log was checked")
}

async fn head_size(app: &TestApp) -> u64 {
    app.store
        .read(|c| oneseal_store::log::read_head(c, CITY))
        .await
        .unwrap()
        .0
}

#[tokio::test]
async fn an_incremental_run_starts_at_the_last_clean_checkpoint_and_finds_what_was_appended() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.checkpoint().await;
    let full = audit(&app, Mode::Full, "2026-12-06T08:00:00Z").await;
    assert_eq!(full.findings, vec![]);
    let first = city(&full);
    assert_eq!(first.from, 0);
    assert!(
        first.checkpoint > 0 && first.checkpoint <= first.to,
        "{first:?}"
    );

    case_ready_for_decision(&app).await;
    app.checkpoint_of(CITY).await;
    let inc = audit(&app, Mode::Incremental, "2026-12-06T09:00:00Z").await;
    assert_eq!(inc.findings, vec![]);
    let second = city(&inc);
    assert_eq!(second.from, first.checkpoint, "it starts at the checkpoint");
    assert!(second.to > first.to && second.checkpoint > first.checkpoint);
    assert_eq!(
        inc.rows, 0,
        "an incremental run does not rebuild the projections"
    );

    // Entries appended after that checkpoint, one altered: the next incremental run finds it.
    let altered = head_size(&app).await;
    case_ready_for_decision(&app).await;
    app.store
        .write(move |tx| tamper::replace_body(tx.conn(), CITY, altered, b"{}".to_vec()))
        .await
        .unwrap();
    let bad = audit(&app, Mode::Incremental, "2026-12-06T10:00:00Z").await;
    assert_eq!(city(&bad).from, second.checkpoint);
    let text: Vec<String> = bad.findings.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains(&format!("log {CITY}: entry {altered}:"))),
        "{text:?}"
    );

    // A run that found something is never a starting point: the next one checks the log whole.
    let again = audit(&app, Mode::Incremental, "2026-12-06T11:00:00Z").await;
    assert_eq!(city(&again).from, 0);
    assert!(!again.findings.is_empty());
}

/// The incremental run trusts nothing before its start without proof: the stored nodes it
/// resumes from must give the root the checkpoint signed.
#[tokio::test]
async fn an_incremental_run_refuses_a_start_whose_stored_nodes_disagree_with_the_signed_root() {
    let app = TestApp::spawn_demo().await;
    app.expect_corrupted();
    app.checkpoint().await;
    let start = city(&audit(&app, Mode::Full, "2026-12-06T08:00:00Z").await).checkpoint;
    let node = oneseal_ledger::Frontier::ids_for(start)[0];
    app.store
        .write(move |tx| tamper::replace_node(tx.conn(), CITY, node.level, node.index, [5; 32]))
        .await
        .unwrap();
    let inc = audit(&app, Mode::Incremental, "2026-12-06T09:00:00Z").await;
    let text: Vec<String> = inc.findings.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains(&format!("log {CITY}: checkpoint {start}: signed root"))),
        "{text:?}"
    );
}
