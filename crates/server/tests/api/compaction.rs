//! The rules engine forgets finished work (`domain::rules::retire`, issue #17: a city's year):
//! over a generated history, the engine that retires closed cases, claimed pushes and answered
//! consultations raises exactly the alerts of one that keeps everything, holds far fewer cases,
//! writes a smaller snapshot, and a snapshot of it taken mid-log continues to the same alerts.
//! (The app's end check also runs `rules replay`, the full re-proof, against what was recorded.)

use oneseal_domain::rules::{Engine, LogItem};
use oneseal_server::services::rules::{builtin_calendar, jurisdictions, read_log};
use oneseal_store::StoreError;
use oneseal_testkit::TestApp;

fn fold(mut engine: Engine, items: &[LogItem]) -> Engine {
    for item in items {
        engine.feed(item);
    }
    engine
}

fn snapshot(engine: &Engine) -> Vec<u8> {
    let mut out = Vec::new();
    engine.write_snapshot(&mut out).unwrap();
    out
}

#[tokio::test]
async fn retiring_finished_work_raises_the_alerts_of_an_engine_that_keeps_everything() {
    let app = TestApp::spawn_history(150, 60, 29).await;
    let logs = app
        .store
        .read(|c| {
            let mut out = Vec::new();
            for (j, size) in jurisdictions(c)? {
                out.push(read_log(c, j.as_str(), size)?);
            }
            Ok::<_, StoreError>(out)
        })
        .await
        .unwrap();
    let mut retired_somewhere = false;
    for items in logs {
        let calendar = builtin_calendar().unwrap();
        let kept = fold(Engine::keeping_history(calendar.clone()), &items);
        let retiring = fold(Engine::new(calendar), &items);
        assert_eq!(retiring.alerts(), kept.alerts());
        let ((open, retired), (all, none)) = (retiring.tracked(), kept.tracked());
        assert_eq!((open + retired, none), (all, 0));
        if retired == 0 {
            continue;
        }
        retired_somewhere = true;
        assert!(open < all, "{open} of {all} cases kept whole");
        let (small, big) = (snapshot(&retiring), snapshot(&kept));
        assert!(small.len() < big.len(), "{} ≥ {}", small.len(), big.len());
        // Cut at a third and at two thirds: restored, the retiring engine goes on to the same.
        for cut in [items.len() / 3, items.len() * 2 / 3] {
            let before = fold(Engine::new(builtin_calendar().unwrap()), &items[..cut]);
            let back = Engine::from_snapshot(&snapshot(&before)).unwrap();
            assert_eq!(
                fold(back, &items[cut..]).alerts(),
                kept.alerts(),
                "cut at {cut}"
            );
        }
    }
    assert!(
        retired_somewhere,
        "no case was retired in the generated history"
    );
}
