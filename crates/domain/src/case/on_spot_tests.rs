//! Issue #21 items 9 and 10, each with a compliant and a violating sequence: the online receipt
//! (Art. 33), the on-the-spot decision (Art. 34(2)), the review policy that is not law, Art.
//! 44's delivery limit for grants only, and the supplement window before "not corrected".

use time::macros::{date, datetime};
use time::{Date, Duration};

use crate::org::Role;

use super::law_tests::real;
use super::refusals::refusal;
use super::testkit::*;
use super::*;

const MON: Date = date!(2026 - 03 - 02);
const TUE: Date = date!(2026 - 03 - 03);

/// 市场主体登记: 《市场主体登记管理条例》第十九条 allows registering on the spot.
fn on_spot_item() -> ItemSnapshot {
    real("市场主体登记", false)
}

fn policy_off(two_reviewers: bool, separate_acceptor: bool) -> ItemSnapshot {
    let mut item = real("食品经营许可", false);
    let l = item.legal.as_mut().unwrap();
    l.policy.two_reviewers = two_reviewers;
    l.policy.separate_acceptor = separate_acceptor;
    item
}

#[test]
fn art34_2_on_the_spot_grant_is_accepted_and_decided_the_same_day_by_one_official() {
    let mut h = Harness::received(MON, on_spot_item());
    let events = h.run(APPROVER, MON, Command::DecideOnSpot);
    let kinds: Vec<&str> = events.iter().map(CaseEvent::kind).collect();
    assert_eq!(kinds, ["on_the_spot", "accepted", "decided"]);
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::Approved);
    assert_eq!(case.acceptance().unwrap().on, MON);
    assert_eq!(case.acceptance().unwrap().by, staff(APPROVER));
    assert_eq!(case.decision().unwrap().on(), MON);
    assert_eq!(case.on_the_spot(), Some((&staff(APPROVER), MON)));
    assert!(
        case.timeline()
            .iter()
            .any(|t| t.label_zh.contains("当场决定"))
    );
    // The grant is delivered like any other, within Art. 44's ten working days.
    let clock = case.clock(&h.cal, MON).unwrap();
    assert!(clock.delivery.is_some());
    h.run(
        CLERK,
        TUE,
        Command::Deliver {
            method: DeliveryMethod::Window,
        },
    );
    assert!(h.case().is_closed());
}

#[test]
fn art34_2_on_the_spot_is_refused_where_the_items_law_does_not_provide_for_it() {
    let mut h = Harness::received(MON, real("食品经营许可", false));
    let err = h.try_run(APPROVER, MON, Command::DecideOnSpot).unwrap_err();
    assert_eq!(err.code(), "on_the_spot_not_allowed");
    // Nor may a clerk take it where it is allowed: it is the approving official's decision.
    let mut h = Harness::received(MON, on_spot_item());
    let err = h.try_run(CLERK, MON, Command::DecideOnSpot).unwrap_err();
    assert_eq!(err, CaseError::MissingRole(Role::Approver));
}

#[test]
fn art34_2_on_the_spot_needs_complete_materials_on_the_day_they_arrive() {
    let mut h = Harness::received(MON, on_spot_item());
    h.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let err = h.try_run(APPROVER, MON, Command::DecideOnSpot).unwrap_err();
    assert_eq!(err.code(), "supplement_pending");
    let wed = date!(2026 - 03 - 04);
    h.run(
        CLERK,
        wed,
        Command::ReceiveSupplement {
            materials: vec![material("补正件")],
        },
    );
    // Not on a later day: the spot is the day the complete materials came in.
    let err = h
        .clone_with(|h| h.try_run(APPROVER, wed + Duration::days(1), Command::DecideOnSpot))
        .unwrap_err();
    assert_eq!(err.code(), "on_the_spot_not_on_the_day");
    h.run(APPROVER, wed, Command::DecideOnSpot);
    assert_eq!(h.case().status(), CaseStatus::Approved);
}

#[test]
fn art34_2_a_split_on_the_spot_history_does_not_fold() {
    let h = Harness::received(MON, on_spot_item());
    let mut case = h.case();
    case.evolve(&CaseEvent::OnTheSpot {
        by: staff(APPROVER),
        source: "《中华人民共和国市场主体登记管理条例》第十九条".into(),
        on: MON,
    })
    .unwrap();
    let err = case
        .clone()
        .evolve(&CaseEvent::Accepted {
            by: staff(CLERK),
            deemed: false,
            on: MON,
        })
        .unwrap_err();
    assert_eq!(err.code(), "on_the_spot_split");
    case.evolve(&CaseEvent::Accepted {
        by: staff(APPROVER),
        deemed: false,
        on: MON,
    })
    .unwrap();
    let refuse = CaseEvent::Decided {
        approver: staff(APPROVER),
        decision: refusal(),
        decided_at: at(MON),
    };
    assert_eq!(
        case.clone().evolve(&refuse).unwrap_err().code(),
        "on_the_spot_not_a_grant"
    );
}

#[test]
fn art34_two_reviewers_is_item_policy_on_by_default() {
    // Default policy: one substantive reviewer is not enough.
    let mut h = Harness::received(MON, real("食品经营许可", false));
    h.run(CLERK, MON, Command::Accept);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    let decide = || Command::Decide {
        decision: Decision::APPROVE,
    };
    let err = h.try_run(APPROVER, TUE, decide()).unwrap_err();
    assert_eq!(err.code(), "too_few_reviewers");
    assert!(err.message_zh().contains("非法定要求"));
    // The item's policy switched off: one reviewer, then the decision.
    let mut h = Harness::received(MON, policy_off(false, true));
    h.run(CLERK, MON, Command::Accept);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(APPROVER, TUE, decide());
    assert_eq!(h.case().status(), CaseStatus::Approved);
}

#[test]
fn art34_separate_acceptor_is_item_policy_on_by_default() {
    let both = [Role::Clerk, Role::Approver];
    let decide = || Command::Decide {
        decision: Decision::APPROVE,
    };
    let mut h = Harness::received(MON, policy_off(false, true));
    h.try_as(APPROVER, &both, MON, Command::Accept).unwrap();
    let err = h.try_as(APPROVER, &both, TUE, decide()).unwrap_err();
    assert_eq!(err.code(), "separation_of_duties");
    let mut h = Harness::received(MON, policy_off(false, false));
    h.try_as(APPROVER, &both, MON, Command::Accept).unwrap();
    h.try_as(APPROVER, &both, TUE, decide()).unwrap();
    assert_eq!(h.case().status(), CaseStatus::Approved);
}

#[test]
fn art44_delivery_limit_runs_for_grants_only() {
    let mut grant = Harness::reviewed(MON);
    grant.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let late = TUE + Duration::days(30);
    let clock = grant.case().clock(&grant.cal, late).unwrap();
    assert!(clock.delivery.unwrap().overdue);
    let mut refused = Harness::reviewed(MON);
    refused.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: refusal(),
        },
    );
    let clock = refused.case().clock(&refused.cal, late).unwrap();
    assert!(clock.delivery.is_none(), "a refusal issues no licence");
    // A receipt recorded before the rule (no registration time) keeps its delivery clock.
    let mut old = refused.events.clone();
    if let Some(CaseEvent::Received(r)) = old.first_mut() {
        r.registered_at = None;
    }
    let clock = Case::apply(&old)
        .unwrap()
        .clock(&refused.cal, late)
        .unwrap();
    assert!(clock.delivery.is_some());
}

#[test]
fn art32_materials_not_corrected_waits_for_the_supplement_window() {
    let outcome = || NonAcceptance::MaterialsNotCorrected {
        reasons: Reasons::new(vec!["逾期未补正".into()]).unwrap(),
        remedies: remedies(),
    };
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let last = MON + Duration::days(SUPPLEMENT_WINDOW_DAYS);
    let err = h
        .try_run(
            CLERK,
            last,
            Command::RefuseAcceptance { outcome: outcome() },
        )
        .unwrap_err();
    assert_eq!(err.code(), "supplement_window_open");
    h.run(
        CLERK,
        last + Duration::days(1),
        Command::RefuseAcceptance { outcome: outcome() },
    );
    assert_eq!(h.case().status(), CaseStatus::AcceptanceRefused);
    // A supplement that arrived and is still wanting may be refused at once.
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    h.run(
        CLERK,
        TUE,
        Command::ReceiveSupplement {
            materials: vec![material("补正件")],
        },
    );
    h.run(CLERK, TUE, Command::RefuseAcceptance { outcome: outcome() });
}

#[test]
fn art33_the_notice_window_counts_from_the_online_submission() {
    let cal = cal();
    // Submitted on the platform on Friday 2026-02-27 evening, registered Monday 2026-03-09.
    let submitted = datetime!(2026-02-27 21:00 +08:00);
    let registered = date!(2026 - 03 - 09);
    let events = Case::receive_submitted(
        intake(registered, real("食品经营许可", false), true),
        Some(submitted),
        &ctx(&cal, CLERK, &[Role::Clerk], registered),
    )
    .unwrap();
    let case = Case::apply(&events).unwrap();
    assert_eq!(case.received().received_on(), date!(2026 - 02 - 27));
    assert_eq!(case.received().submitted_at(), Some(submitted));
    // Five working days from Friday's submission ended on Friday 2026-03-06: the notice is
    // late, the application counts as accepted from the submission (Art. 32(4)).
    let err = case
        .handle(
            Command::IssueOneTimeNotice {
                items: notice_items(),
            },
            &ctx(&cal, CLERK, &[Role::Clerk], registered),
        )
        .unwrap_err();
    assert_eq!(err.code(), "deemed_accepted");
    // A hall application carries no submission time.
    let err = Case::receive_submitted(
        intake(registered, real("食品经营许可", false), false),
        Some(submitted),
        &ctx(&cal, CLERK, &[Role::Clerk], registered),
    );
    // `intake` files online; the window's refusal is checked with the channel changed.
    assert!(err.is_ok());
    let mut hall = intake(registered, real("食品经营许可", false), false);
    hall.channel = Channel::Window;
    let err = Case::receive_submitted(
        hall,
        Some(submitted),
        &ctx(&cal, CLERK, &[Role::Clerk], registered),
    )
    .unwrap_err();
    assert_eq!(err.code(), "submitted_at_not_online");
}

impl Harness {
    /// Runs `f` on a copy, leaving this history as it was.
    fn clone_with<T>(&self, f: impl FnOnce(&mut Harness) -> T) -> T {
        let mut copy = Harness {
            cal: cal(),
            events: self.events.clone(),
        };
        f(&mut copy)
    }
}
