//! Issue #21 item 10 in the monitoring rules: Art. 44's delivery limit is for grants only, and
//! two reviewers and a separate acceptor are the item's policy, never asked of an on-the-spot
//! grant (Art. 34(2)).

#![allow(clippy::unwrap_used)]

use time::Duration;
use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON};
use crate::case::testkit::{APPROVER, CLERK, Harness, REVIEWER_A, review};
use crate::case::{Command, Decision, ItemSnapshot, Refusal, Remedies, ReviewKind};
use crate::catalog;

fn real(name: &str) -> ItemSnapshot {
    let items = catalog::real_items().unwrap();
    ItemSnapshot::from_item(items.iter().find(|i| i.name == name).unwrap(), false)
}

fn decided(decision: Decision) -> Log {
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        MON + Duration::days(1),
        Command::Decide { decision },
    );
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 12 - 01)); // far past ten working days, nothing delivered
    log
}

#[test]
fn art44_the_delivery_rule_runs_for_a_grant() {
    assert!(
        decided(Decision::APPROVE)
            .rules()
            .contains(&RuleId::DeliveryDeadline)
    );
}

#[test]
fn art44_the_delivery_rule_does_not_run_for_a_refusal() {
    let remedies = Remedies::new("济南市人民政府", "济南市历下区人民法院").unwrap();
    let refusal = Refusal::new(vec!["不符合法定条件".into()], remedies).unwrap();
    let rules = decided(Decision::Refuse(refusal)).rules();
    assert!(!rules.contains(&RuleId::DeliveryDeadline), "{rules:?}");
}

#[test]
fn art34_2_an_on_the_spot_grant_raises_no_review_policy_alert() {
    let mut h = Harness::received(MON, real("市场主体登记"));
    h.run(APPROVER, MON, Command::DecideOnSpot);
    let mut log = Log::new();
    log.case(&h.events);
    let rules = log.rules();
    assert!(!rules.contains(&RuleId::TwoReviewers), "{rules:?}");
    assert!(!rules.contains(&RuleId::SeparationOfDuties), "{rules:?}");
    assert!(!rules.contains(&RuleId::SkippedStep), "{rules:?}");
}

#[test]
fn art34_one_reviewer_raises_the_policy_alert_unless_the_item_switches_it_off() {
    let run = |item: ItemSnapshot| {
        let mut h = Harness::received(MON, item);
        h.run(CLERK, MON, Command::Accept);
        h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
        // The event a policy-free item may record; the default policy's command refuses it,
        // so the history is built by hand for the alert.
        h.events.push(crate::case::CaseEvent::Decided {
            approver: crate::case::testkit::staff(APPROVER),
            decision: Decision::APPROVE,
            decided_at: crate::case::testkit::at(MON + Duration::days(1)),
        });
        let mut log = Log::new();
        log.case(&h.events);
        log.rules()
    };
    assert!(run(real("食品经营许可")).contains(&RuleId::TwoReviewers));
    assert_eq!(
        RuleId::TwoReviewers.article(),
        "本局审批制度（两人审查，非法定要求）"
    );
    let mut off = real("食品经营许可");
    off.legal.as_mut().unwrap().policy.two_reviewers = false;
    assert!(!run(off).contains(&RuleId::TwoReviewers));
}
