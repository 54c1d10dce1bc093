//! Slow clients (issue #22 item 9): connections that send their headers or their body too
//! slowly, or never, are closed by the server's read timeouts instead of holding a task and a
//! socket for as long as the client likes.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use oneseal_server::{BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT};
use oneseal_testkit::TestApp;

/// Opens `n` connections that each send `prefix` and then nothing; returns how long each took
/// to be closed by the server (None: still open after `limit`).
async fn stalled(
    app: &TestApp,
    n: usize,
    prefix: &'static [u8],
    limit: Duration,
) -> Vec<Option<Duration>> {
    let addr = app.base.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut sockets: Vec<TcpStream> = (0..n)
            .map(|_| {
                let mut s = TcpStream::connect(&addr).unwrap();
                s.write_all(prefix).unwrap();
                s.set_read_timeout(Some(Duration::from_millis(200)))
                    .unwrap();
                s
            })
            .collect();
        let mut closed = vec![None; n];
        while started.elapsed() < limit && closed.iter().any(Option::is_none) {
            for (i, s) in sockets.iter_mut().enumerate() {
                if closed[i].is_some() {
                    continue;
                }
                let mut buf = [0u8; 512];
                let still_open = match s.read(&mut buf) {
                    // Closed, or answered (408, 400): the server let go of the request.
                    Ok(_) => false,
                    Err(e) => matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ),
                };
                if !still_open {
                    closed[i] = Some(started.elapsed());
                }
            }
        }
        closed
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn attacks_half_sent_headers_are_cut_off_by_the_header_read_timeout() {
    let app = TestApp::spawn_demo().await;
    let limit = HEADER_READ_TIMEOUT + Duration::from_secs(5);
    let closed = stalled(
        &app,
        20,
        b"GET /healthz HTTP/1.1\r\nHost: oneseal\r\nX-Slow: 1",
        limit,
    )
    .await;
    for (i, c) in closed.iter().enumerate() {
        let c = c.unwrap_or_else(|| panic!("connection {i} still open after {limit:?}"));
        assert!(
            c >= HEADER_READ_TIMEOUT - Duration::from_secs(1),
            "connection {i} closed early: {c:?}"
        );
    }
    // The server still answers.
    let (status, _) = app.anonymous().get_json("/healthz").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn attacks_a_body_that_stops_arriving_is_cut_off_by_the_body_read_timeout() {
    let app = TestApp::spawn_demo().await;
    let limit = BODY_READ_TIMEOUT + Duration::from_secs(5);
    let closed = stalled(
        &app,
        5,
        b"POST /api/v1/public/ratings HTTP/1.1\r\nHost: oneseal\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"case\":",
        limit,
    )
    .await;
    for (i, c) in closed.iter().enumerate() {
        let c = c.unwrap_or_else(|| panic!("connection {i} still open after {limit:?}"));
        assert!(
            c >= BODY_READ_TIMEOUT - Duration::from_secs(1),
            "connection {i} closed early: {c:?}"
        );
    }
    let (status, _) = app.anonymous().get_json("/healthz").await;
    assert_eq!(status, 200);
}
