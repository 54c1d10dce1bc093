//! The README's first command, as a user runs it: `oneseal serve --demo` on a fresh data
//! directory, answered over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use oneseal_store::scratch::{ScratchDb, test_postgres_url};

struct Server {
    child: Child,
    dir: std::path::PathBuf,
    /// The PostgreSQL schema the server runs in, dropped after the server stops.
    _schema: Option<ScratchDb>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn get(url: &str) -> Option<(u16, String)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    rt.block_on(async {
        let r = reqwest::get(url).await.ok()?;
        let status = r.status().as_u16();
        Some((status, r.text().await.ok()?))
    })
}

#[test]
fn serve_demo_starts_prints_accounts_and_serves_the_ui_api_and_log() {
    let dir = std::env::temp_dir().join(format!("oneseal-serve-demo-{}", free_port()));
    let port = free_port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oneseal"));
    cmd.args([
        "serve",
        "--demo",
        "--listen",
        &format!("127.0.0.1:{port}"),
        "--data",
    ])
    .arg(&dir)
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    // The same suite runs on PostgreSQL when the tests are pointed at it, in a fresh schema.
    let schema = test_postgres_url().map(|url| ScratchDb::new_on(Some(&url)).unwrap());
    if let Some(s) = &schema {
        cmd.env("ONESEAL_DATABASE_URL", s.database.url());
    }
    let mut child = cmd.spawn().expect("start oneseal serve --demo");
    let stdout = child.stdout.take().unwrap();
    let server = Server {
        child,
        dir,
        _schema: schema,
    };
    let mut printed = String::new();
    let mut lines = BufReader::new(stdout).lines();
    let start = Instant::now();
    while let Some(Ok(line)) = lines.next() {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("listening on") || start.elapsed() > Duration::from_secs(120) {
            break;
        }
    }
    assert!(
        printed.contains("CLERK") && printed.contains("oneseal-demo"),
        "demo accounts are printed:\n{printed}"
    );
    assert!(
        printed.contains("Demo history:"),
        "the demo's 90 days of history are generated:\n{printed}"
    );
    let base = format!("http://127.0.0.1:{port}");
    let (status, health) = get(&format!("{base}/healthz")).expect("healthz answers");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&server.dir).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o700,
            "the data directory is private to its owner"
        );
    }
    assert_eq!(status, 200, "{health}");
    let (_, login) = get(&format!("{base}/login")).unwrap();
    assert!(login.contains("工作人员登录"));
    // The checkpointer signs within a second or two, and the witnesses cosign.
    let mut checkpoint = None;
    for _ in 0..60 {
        if let Some((200, body)) = get(&format!("{base}/log/370100/checkpoint"))
            && body.matches("\n— ").count() >= 4
        {
            checkpoint = Some(body);
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let checkpoint = checkpoint
        .expect("a checkpoint signed by the log (2 lines) and cosigned by at least 2 witnesses");
    assert!(checkpoint.starts_with("oneseal.example/370100/approvals\n"));
    drop(server);
}

#[test]
fn help_lists_every_command_and_each_command_has_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_oneseal"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for c in [
        "serve", "catalog", "ledger", "rules", "calendar", "witness", "cert", "bench", "backup",
        "restore", "demo",
    ] {
        assert!(text.contains(c), "--help lacks {c}:\n{text}");
        let sub = Command::new(env!("CARGO_BIN_EXE_oneseal"))
            .args([c, "--help"])
            .output()
            .unwrap();
        assert!(sub.status.success(), "{c} --help fails");
    }
}

#[test]
fn bench_e2e_runs_whole_lifecycles_against_the_real_server() {
    // A short run: it starts `serve --demo` itself and drives every step over HTTP. It always
    // runs on SQLite (the PostgreSQL pass of the suite would need a schema of its own).
    let out = Command::new(env!("CARGO_BIN_EXE_oneseal"))
        .args(["bench", "e2e", "--cases", "4", "--clients", "2"])
        .env_remove("ONESEAL_DATABASE_URL")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("4 complete cases") && text.contains("ratio"),
        "{text}"
    );
    for step in ["intake", "accept", "review", "decide+seal", "claim"] {
        assert!(text.contains(step), "{step} in\n{text}");
    }
}
