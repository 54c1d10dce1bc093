//! `oneseal demo generate` as an operator runs it: a small history into a new data directory
//! (or a fresh PostgreSQL schema when the suite runs there), then `ledger verify` and
//! `rules replay` on it, and a second run refused.

use std::process::{Command, Output};

use oneseal_store::scratch::{ScratchDb, test_postgres_url};

fn run(dir: &std::path::Path, db: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oneseal"));
    cmd.args(args)
        .arg("--data")
        .arg(dir)
        .env("ONESEAL_LOG", "warn");
    match db {
        Some(url) => cmd.env("ONESEAL_DATABASE_URL", url),
        None => cmd.env_remove("ONESEAL_DATABASE_URL"),
    };
    cmd.output().expect("run oneseal")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn demo_generate_writes_a_history_that_verifies_and_replays_and_refuses_a_second_one() {
    let dir = std::env::temp_dir().join(format!("oneseal-demo-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let schema = test_postgres_url().map(|url| ScratchDb::new_on(Some(&url)).unwrap());
    let db = schema.as_ref().map(|s| s.database.url());
    let db = db.as_deref();
    let generate = [
        "demo",
        "generate",
        "--cases",
        "120",
        "--days",
        "30",
        "--until",
        "2026-11-27",
        "--seed",
        "3",
    ];
    let out = run(&dir, db, &generate);
    assert!(out.status.success(), "{}", text(&out));
    let printed = text(&out);
    assert!(printed.contains("history of 120 cases"), "{printed}");
    assert!(printed.contains("cases/s"), "{printed}");

    // The rules' engines are written out, so a server of this build does not fold the
    // history again at its first start.
    let database = match &schema {
        Some(s) => s.database.clone(),
        None => oneseal_store::Database::Sqlite(dir.join("oneseal.db")),
    };
    let mut conn = database.connect().unwrap();
    let count = |conn: &mut Box<dyn oneseal_store::Conn>, sql: &str| {
        conn.query_one(sql, &[]).unwrap().unwrap().int(0).unwrap()
    };
    let logs = count(
        &mut conn,
        "SELECT COUNT(*) FROM ledger_heads WHERE size > 0",
    );
    assert!(logs >= 4, "{logs} logs");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) FROM rule_snapshots s JOIN ledger_heads h ON h.log = s.log \
             WHERE s.size > 0 AND s.size <= h.size AND s.build <> ''"
        ),
        logs
    );
    drop(conn);

    let verified = run(&dir, db, &["ledger", "verify"]);
    assert!(verified.status.success(), "{}", text(&verified));
    let replayed = run(&dir, db, &["rules", "replay"]);
    assert!(replayed.status.success(), "{}", text(&replayed));
    assert!(
        text(&replayed).contains("alerts proved by the log"),
        "{}",
        text(&replayed)
    );

    // The log's times follow its indexes: a second history would be older than the first.
    let again = run(&dir, db, &generate);
    assert!(!again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("not empty"), "{}", text(&again));
    let _ = std::fs::remove_dir_all(&dir);
}
