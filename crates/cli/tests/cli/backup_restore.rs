//! Backup and restore as an operator runs them: `oneseal backup` of a running `serve --demo`,
//! more writes and a newer signed checkpoint, then the older backup restored over the data
//! directory (the rollback the anchors must catch), into a fresh one (which must start and
//! verify), and into one served with the witnesses' state (they must refuse to cosign it). SQLite only: `backup` refuses PostgreSQL and prints the pg_dump procedure instead,
//! which the last test checks.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `oneseal serve`, killed when dropped.
struct Running {
    child: Child,
    base: String,
    /// The server's stderr.
    log: PathBuf,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn oneseal() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oneseal"));
    // SQLite in the data directory, whatever the suite's backend.
    c.env_remove("ONESEAL_DATABASE_URL")
        .env_remove("ONESEAL_KEY_PASSPHRASE")
        .env("ONESEAL_LOG", "warn");
    c
}

fn run(args: &[&str], data: &Path) -> Output {
    oneseal().args(args).arg(data).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `serve` on `data` and waits until it listens.
fn serve(data: &Path, demo: bool) -> Running {
    let port = free_port();
    let mut cmd = oneseal();
    // The server's own log goes beside the data directory, for a failure to show.
    if let Some(parent) = data.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let log = std::fs::File::create(data.with_extension("stderr")).unwrap();
    cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
        .arg(data)
        .env("ONESEAL_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(log);
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running {
        child,
        base: format!("http://127.0.0.1:{port}"),
        log: data.with_extension("stderr"),
    };
    let start = Instant::now();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line.contains("listening on") {
            return running;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "serve did not start"
        );
    }
    panic!("serve exited before listening");
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// The size in the city log's latest signed checkpoint, if there is one.
fn checkpoint_size(base: &str) -> Option<u64> {
    block_on(async {
        let r = reqwest::get(format!("{base}/log/370100/checkpoint"))
            .await
            .ok()?;
        if r.status() != 200 {
            return None;
        }
        r.text().await.ok()?.lines().nth(1)?.parse().ok()
    })
}

fn wait_for_checkpoint_beyond(server: &Running, size: u64) -> u64 {
    for _ in 0..120 {
        if let Some(s) = checkpoint_size(&server.base).filter(|s| *s > size) {
            return s;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    // Request lines would drown what the background tasks said.
    let tail: Vec<&str> = log
        .lines()
        .filter(|l| !l.contains(" request "))
        .rev()
        .take(40)
        .collect();
    panic!(
        "no checkpoint beyond {size} was signed; the server's log ends:\n{}",
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    );
}

/// Signature lines on the city log's published checkpoint: the log's own two (Ed25519, SM2)
/// plus one per witness that cosigned it.
fn signature_lines(base: &str) -> usize {
    block_on(async {
        let r = reqwest::get(format!("{base}/log/370100/checkpoint"))
            .await
            .ok()?;
        Some(
            r.text()
                .await
                .ok()?
                .lines()
                .filter(|l| l.starts_with("— "))
                .count(),
        )
    })
    .unwrap_or(0)
}

/// Waits (up to 30 s) for the published checkpoint to carry at least `n` signature lines.
fn wait_for_signatures(base: &str, n: usize) -> bool {
    for _ in 0..60 {
        if signature_lines(base) >= n {
            return true;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    false
}

/// Waits (up to 30 s) for the server's log to contain `text`.
fn wait_for_log(server: &Running, text: &str) -> bool {
    for _ in 0..60 {
        if std::fs::read_to_string(&server.log).is_ok_and(|l| l.contains(text)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    false
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A client signed in as the demo's clerk, and its CSRF token.
async fn clerk(base: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let session: Value = client
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"staff_id": "CLERK", "password": oneseal_server::services::seed::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = session["csrf"].as_str().unwrap().to_owned();
    (client, csrf)
}

/// Whether the clerk finds the case `number`.
fn case_exists(base: &str, number: &str) -> bool {
    block_on(async {
        let (client, _) = clerk(base).await;
        let r = client
            .get(format!("{base}/api/v1/cases/{number}"))
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            200 => true,
            404 => false,
            s => panic!("GET /api/v1/cases/{number}: {s}"),
        }
    })
}

/// The clerk signs in and registers an application over HTTP: its case number, and the ledger
/// index of its receipt.
fn create_case(base: &str) -> (String, u64) {
    block_on(async {
        let (client, csrf) = clerk(base).await;
        let items: Value = client
            .get(format!(
                "{base}/api/v1/catalog/items?per_page=5&category=licensing"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = items["items"][0]["basic_code"].as_str().unwrap();
        let uscc = oneseal_domain::catalog::UnifiedSocialCreditCode::with_check_character(
            "91370100MA3C0RT1X",
        )
        .unwrap();
        let r = client
            .post(format!("{base}/api/v1/cases"))
            .header("X-CSRF-Token", csrf)
            .json(&json!({"item_code": code, "channel": "window", "applicant": {"type": "organisation", "name": "济南备份测试有限公司", "uscc": uscc.as_str(), "contact_phone": "13812345678"}, "materials": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        let number = v["case_number"].as_str().unwrap().to_owned();
        (number, v["ledger_index"].as_u64().unwrap())
    })
}

/// Waits for `serve` to exit on its own; a server that keeps running fails the test.
fn refused_start(data: &Path) -> String {
    let mut child = oneseal()
        .args(["serve", "--listen", &format!("127.0.0.1:{}", free_port())])
        .arg("--data")
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("serve started on a rolled-back database:\n{}", text(&out));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    text(&out)
}

#[test]
fn an_older_backup_restored_over_newer_anchors_is_refused_and_into_a_fresh_directory_it_verifies() {
    let root = Dir(std::env::temp_dir().join(format!("oneseal-backup-{}", free_port())));
    let (data, fresh) = (root.0.join("data"), root.0.join("fresh"));
    let backup = root.0.join("older.db");
    let server = serve(&data, true);
    let backed_up = wait_for_checkpoint_beyond(&server, 0);

    // While the server runs: with the key, and without.
    let out = oneseal()
        .args(["backup", "--include-master-key", "--out"])
        .arg(&backup)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let key = root.0.join("older.db.master.key");
    for private in [&backup, &key] {
        let mode = std::fs::metadata(private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", private.display());
    }
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let plain = root.0.join("plain.db");
    let out = oneseal()
        .args(["backup", "--out"])
        .arg(&plain)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("NOT in the backup"), "{}", text(&out));
    assert!(!root.0.join("plain.db.master.key").exists());
    // A backup never overwrites.
    let again = oneseal()
        .args(["backup", "--out"])
        .arg(&plain)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(!again.status.success());

    // More writes, and a newer checkpoint anchored outside the database and cosigned by the
    // demo's witnesses (the log's two signature lines plus at least two cosignatures).
    let (later_case, at) = create_case(&server.base);
    assert!(case_exists(&server.base, &later_case));
    // A checkpoint that holds the later case: one holding only the background work after the
    // backup would hold the very entries a restored server appends again, so the witnesses
    // could rightly cosign the restored log up to it.
    let newer = wait_for_checkpoint_beyond(&server, backed_up.max(at));
    assert!(
        wait_for_signatures(&server.base, 4),
        "the witnesses cosign the live log"
    );
    // The anchor is written just after the checkpoint commits.
    std::thread::sleep(Duration::from_secs(1));
    drop(server);

    // The older backup over the live data directory: refused without --force, then forced.
    let out = run(
        &["restore", "--from", backup.to_str().unwrap(), "--data"],
        &data,
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("--force"), "{}", text(&out));
    let out = run(
        &[
            "restore",
            "--force",
            "--from",
            backup.to_str().unwrap(),
            "--data",
        ],
        &data,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("anchors"), "{}", text(&out));
    let refusal = refused_start(&data);
    assert!(
        refusal.contains("restored from an older backup") && refusal.contains("回滚"),
        "a clear rollback message (backup at {backed_up}, anchor at {newer}):\n{refusal}"
    );

    // The same backup into a fresh directory: it starts, and the ledger verifies.
    let out = run(
        &["restore", "--from", backup.to_str().unwrap(), "--data"],
        &fresh,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("master key: restored"),
        "{}",
        text(&out)
    );
    let out = run(&["ledger", "verify", "--data"], &fresh);
    assert!(out.status.success(), "{}", text(&out));
    let restored = serve(&fresh, false);
    let size = checkpoint_size(&restored.base).expect("the restored checkpoint is served");
    assert!(size >= backed_up, "{backed_up} ≤ {size}");
    // The restored server's own background work (rule alerts, the departments' digests) may
    // append entries at once, so its size says little: what was written after the backup is
    // what must be missing.
    assert!(
        !case_exists(&restored.base, &later_case),
        "{later_case}, registered after the backup, is not in the restored data"
    );
    drop(restored);

    // The witnesses remember the newer log: run by other bodies, they keep their state (here a
    // copy of it). Served against the restored database, the log grows on a fork of what they
    // cosigned, and none of them cosigns it again.
    let forked = root.0.join("forked");
    assert!(
        run(
            &["restore", "--from", backup.to_str().unwrap(), "--data"],
            &forked
        )
        .status
        .success()
    );
    copy_dir(&data.join("witnesses"), &forked.join("witnesses"));
    let rolled_back = serve(&forked, true);
    create_case(&rolled_back.base);
    assert!(
        wait_for_log(&rolled_back, "witness refused with 4"),
        "the witnesses refuse the rolled-back log"
    );
    // What the public sees never moves onto the fork: cosigned, at most up to the entry where
    // the fork parts from what the witnesses saw (the later case's receipt at `at`; the
    // background work before it may be appended again to the same bytes); beyond it, a
    // checkpoint carrying the log's signatures alone.
    let (size, lines) = (
        checkpoint_size(&rolled_back.base).unwrap_or(0),
        signature_lines(&rolled_back.base),
    );
    assert!(
        size <= at || lines == 2,
        "a witness cosigned the rolled-back log at size {size}, past the fork at {at} \
         (backup at {backed_up}; they had cosigned up to {newer})"
    );
    drop(rolled_back);
}

#[test]
fn restore_refuses_a_file_that_is_not_a_backup_and_backup_refuses_postgres() {
    let root = Dir(std::env::temp_dir().join(format!("oneseal-backup-bad-{}", free_port())));
    std::fs::create_dir_all(&root.0).unwrap();
    let junk = root.0.join("junk.db");
    std::fs::write(&junk, b"this is not a database").unwrap();
    let out = run(
        &["restore", "--from", junk.to_str().unwrap(), "--data"],
        &root.0.join("data"),
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(!root.0.join("data/oneseal.db").exists());

    // A WAL left behind without its database would be replayed onto the restored one.
    let stale = root.0.join("stale");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("oneseal.db-wal"), b"left over").unwrap();
    let out = run(
        &["restore", "--from", junk.to_str().unwrap(), "--data"],
        &stale,
    );
    assert!(text(&out).contains("--force"), "{}", text(&out));
    let plain = root.0.join("plain.db");
    let source = root.0.join("source");
    let out = run(
        &["backup", "--out", plain.to_str().unwrap(), "--data"],
        &source,
    );
    assert!(
        !out.status.success(),
        "no database to back up: {}",
        text(&out)
    );
    assert!(!plain.exists() && !source.join("oneseal.db").exists());

    let out = oneseal()
        .args([
            "backup",
            "--database-url",
            "postgres://oneseal@127.0.0.1:1/oneseal",
            "--out",
        ])
        .arg(root.0.join("pg.dump"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let t = text(&out);
    assert!(t.contains("pg_dump") && t.contains("pg_restore"), "{t}");
    assert!(!root.0.join("pg.dump").exists());
}

#[test]
fn a_second_server_or_a_restore_is_refused_while_a_server_holds_the_data_directory() {
    let root = Dir(std::env::temp_dir().join(format!("oneseal-lock-{}", free_port())));
    let data = root.0.join("data");
    let backup = root.0.join("copy.db");
    let server = serve(&data, false);
    // A backup is meant to run beside the server.
    let out = oneseal()
        .args(["backup", "--out"])
        .arg(&backup)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let refusal = refused_start(&data);
    let forced_restore = || {
        let from = backup.to_str().unwrap();
        run(&["restore", "--force", "--from", from, "--data"], &data)
    };
    assert!(
        refusal.contains("oneseal serve, pid") && refusal.contains("stop it first"),
        "a second server on the directory exits at once, saying why:\n{refusal}"
    );
    let out = forced_restore();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("stop it first"), "{}", text(&out));
    // The running server was left alone.
    let health = block_on(reqwest::get(format!("{}/healthz", server.base)));
    assert!(health.is_ok_and(|r| r.status() == 200));
    drop(server);
    // Once it has stopped, the same restore goes through.
    let out = forced_restore();
    assert!(out.status.success(), "{}", text(&out));
}
