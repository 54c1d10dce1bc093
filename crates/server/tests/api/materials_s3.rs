//! The material API's tests again, with the files in an S3-compatible bucket: a real `s3s-fs`
//! server (the `s3s` project's file-system S3 server) started per test on a free port.
//!
//! `scripts/test` installs `s3s-fs` (cached under `~/.cache/oneseal`) and names it in
//! `ONESEAL_S3S_FS`. Without it the tests print SKIPPED and pass, except under `CI=true`, where
//! a missing server is a failure: CI must always run them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use oneseal_server::services::materials::{MaterialLimits, MaterialStore, S3Config, S3Store};
use oneseal_testkit::{TestApp, error_code};
use serde_json::Value;

use crate::materials::{
    PDF, bad_uploads_are_refused_with_typed_errors, limits_hold_per_file_and_per_case,
    materials_with, new_case, only_the_cases_staff_reach_its_files, small_limits, upload,
    uploads_are_stored_listed_and_served,
};

const ACCESS_KEY: &str = "oneseal-test-access";
const SECRET_KEY: &str = "oneseal-test-secret-0123456789";
const BUCKET: &str = "oneseal-materials";

/// A running `s3s-fs`, stopped and its directory removed on drop.
struct S3sFs {
    child: Child,
    endpoint: String,
    root: PathBuf,
}

impl Drop for S3sFs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn binary() -> Option<PathBuf> {
    let path = std::env::var_os("ONESEAL_S3S_FS").map(PathBuf::from)?;
    path.is_file().then_some(path)
}

/// Starts `s3s-fs`, or says SKIPPED (and panics under CI) when it is not installed.
fn start() -> Option<S3sFs> {
    let Some(bin) = binary() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but s3s-fs is missing: scripts/test installs it and sets ONESEAL_S3S_FS"
        );
        eprintln!(
            "SKIPPED: s3s-fs is not installed (run scripts/test, or set ONESEAL_S3S_FS to its binary)"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let root = std::env::temp_dir().join(format!("oneseal-s3s-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    let child = Command::new(&bin)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
    let server = S3sFs {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        root,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "s3s-fs did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(server)
}

fn config(server: &S3sFs, secret: &str) -> S3Config {
    S3Config {
        endpoint: server.endpoint.clone(),
        bucket: BUCKET.into(),
        region: "us-east-1".into(),
        path_style: true,
        access_key: ACCESS_KEY.into(),
        secret_key: secret.into(),
    }
}

/// The demo app with its materials in a fresh bucket of a fresh `s3s-fs`.
async fn s3_app(limits: MaterialLimits) -> Option<(S3sFs, TestApp)> {
    let server = start()?;
    let store = S3Store::new(&config(&server, SECRET_KEY)).unwrap();
    store.ensure_bucket().await.unwrap();
    // A second call finds the bucket there.
    store.ensure_bucket().await.unwrap();
    let app =
        TestApp::spawn_demo_with_materials(materials_with(MaterialStore::S3(store), limits)).await;
    Some((server, app))
}

fn object_path(root: &Path, sha: &str) -> PathBuf {
    root.join(BUCKET).join("sha256").join(&sha[..2]).join(sha)
}

#[tokio::test]
async fn files_in_s3_are_stored_listed_and_served() {
    let Some((server, app)) = s3_app(MaterialLimits::default()).await else {
        return;
    };
    uploads_are_stored_listed_and_served(&app).await;
    // The bucket holds the file itself, under the same content address.
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
    assert_eq!(std::fs::read(object_path(&server.root, &sha)).unwrap(), PDF);
}

#[tokio::test]
async fn files_in_s3_reach_only_the_cases_staff() {
    let Some((_server, app)) = s3_app(MaterialLimits::default()).await else {
        return;
    };
    only_the_cases_staff_reach_its_files(&app).await;
}

#[tokio::test]
async fn bad_uploads_to_s3_are_refused_with_typed_errors() {
    let Some((_server, app)) = s3_app(MaterialLimits::default()).await else {
        return;
    };
    bad_uploads_are_refused_with_typed_errors(&app).await;
}

#[tokio::test]
async fn limits_hold_with_s3() {
    let Some((_server, app)) = s3_app(small_limits()).await else {
        return;
    };
    limits_hold_per_file_and_per_case(&app).await;
}

/// A bucket that refuses the server's signature: the upload fails as the server's fault and
/// nothing is recorded, so the case never lists a file the store does not hold.
#[tokio::test]
async fn a_refused_signature_records_nothing() {
    let Some(server) = start() else {
        return;
    };
    let good = S3Store::new(&config(&server, SECRET_KEY)).unwrap();
    good.ensure_bucket().await.unwrap();
    let wrong = S3Store::new(&config(&server, "not-the-secret-key-at-all")).unwrap();
    assert!(wrong.ensure_bucket().await.is_err());
    let app = TestApp::spawn_demo_with_materials(materials_with(
        MaterialStore::S3(wrong),
        MaterialLimits::default(),
    ))
    .await;
    let (number, listed) = new_case(&app).await;
    let clerk = app.clerk().await;
    let (status, body) = upload(&clerk, &number, &listed, PDF).await;
    assert_eq!((status, error_code(&body)), (500, "internal"), "{body}");
    let (_, case) = clerk.get_json(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["materials"], Value::Array(Vec::new()));
}
