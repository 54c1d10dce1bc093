//! The public home's popular items are cached and each client limited, as `/stats` is: a burst
//! of anonymous requests to `/` neither recomputes the 90-day sums each time nor goes unbounded.

use oneseal_testkit::TestApp;

use crate::cases::{applicant, case_ready_for_decision_in};

const FOOD: &str = "990100001000";

#[tokio::test]
async fn the_public_home_is_computed_once_per_five_minutes() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    let first = anon.get("/").await.text().await.unwrap();
    assert!(first.contains("近期暂无收件"), "a fresh demo has no cases");
    case_ready_for_decision_in(&app, "", FOOD, applicant()).await;
    // Within five minutes the kept home is served, new receipts or not.
    app.clock.advance(time::Duration::minutes(4));
    let cached = anon.get("/").await.text().await.unwrap();
    assert!(cached.contains("近期暂无收件"), "served from the cache");
    app.clock.advance(time::Duration::minutes(1));
    let fresh = anon.get("/").await.text().await.unwrap();
    assert!(
        fresh.contains(&format!("href=\"/guide/{FOOD}\">食品经营许可</a>")),
        "{fresh}"
    );
    assert!(fresh.contains("近90天收件 1"), "{fresh}");
}

#[tokio::test]
async fn one_client_may_ask_for_the_home_sixty_times_a_minute() {
    let app = TestApp::spawn_demo().await;
    let anon = app.anonymous();
    // Requests at the start of a minute, so that they all fall in it.
    let now = app.clock_now();
    app.clock
        .advance(time::Duration::seconds(60 - now.rem_euclid(60)));
    let mut statuses = Vec::new();
    for _ in 0..61 {
        statuses.push(anon.get("/").await.status().as_u16());
    }
    assert!(statuses[..60].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[60], 429);
    // Signed-in staff land on their desk, which the public limit does not count.
    let clerk = app.clerk().await;
    assert_eq!(clerk.get("/").await.status(), 200);
    app.clock.advance(time::Duration::minutes(1));
    assert_eq!(anon.get("/").await.status(), 200, "a new minute");
}
