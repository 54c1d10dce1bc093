//! 容缺受理 (issue #19 item 6; issue #21 item 11): accepted with listed materials to follow by
//! an agreed date, the licence held until they arrive.

#![allow(clippy::unwrap_used)]

use time::macros::date;
use time::{Date, Duration};

use super::testkit::{APPROVER, CLERK, Harness, REVIEWER_A, REVIEWER_B, item, material, review};
use super::{
    CaseError, CaseEvent, Command, Decision, DeferralAct, DeferralError, DeliveryMethod,
    ItemSnapshot, MAX_DEFERRAL_DAYS, ReviewKind,
};
use crate::org::Role;

pub(crate) const RULES: &str = "食品安全自查、从业人员健康管理等食品安全管理制度";
pub(crate) const MON: Date = date!(2026 - 11 - 02);

pub(crate) fn listed_item() -> ItemSnapshot {
    let mut i = item(20, 10, &[]);
    i.deferrable = vec![RULES.into()];
    i
}

pub(crate) fn accept(materials: &[&str], due: Date) -> Command {
    Command::Deferral(DeferralAct::Accept {
        materials: materials.iter().map(|m| (*m).to_owned()).collect(),
        due,
    })
}

pub(crate) fn receive(name: &str) -> Command {
    Command::Deferral(DeferralAct::Receive {
        materials: vec![material(name)],
    })
}

fn refusal(e: CaseError) -> DeferralError {
    match e {
        CaseError::Deferral(d) => d,
        other => panic!("not a deferral refusal: {other:?}"),
    }
}

/// Accepted with the rules to follow by MON + 10, reviewed and granted on MON.
pub(crate) fn granted_with_rules_owed() -> Harness {
    let mut h = Harness::received(MON, listed_item());
    h.run(CLERK, MON, accept(&[RULES], MON + Duration::days(10)));
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_B, MON, review(ReviewKind::Review, true));
    h.run(
        APPROVER,
        MON,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    h
}

#[test]
fn rongque_accepts_with_the_listed_material_and_the_agreed_date() {
    let mut h = Harness::received(MON, listed_item());
    let events = h.run(CLERK, MON, accept(&[RULES], MON + Duration::days(10)));
    assert_eq!(
        events.iter().map(CaseEvent::kind).collect::<Vec<_>>(),
        ["deferral", "accepted"]
    );
    let case = h.case();
    assert_eq!(case.acceptance().unwrap().on, MON);
    let d = case.deferral().unwrap();
    assert_eq!(d.outstanding(), [RULES]);
    assert_eq!(d.due, MON + Duration::days(10));
    assert!(
        case.timeline()
            .iter()
            .any(|t| t.label_zh.contains("容缺受理") && t.label_zh.contains("2026-11-12"))
    );
}

#[test]
fn rongque_a_grant_is_decided_but_its_licence_held_and_not_delivered_until_the_materials_arrive() {
    let mut h = granted_with_rules_owed();
    assert!(h.case().licence_held());
    let err = h
        .try_run(
            CLERK,
            MON,
            Command::Deliver {
                method: DeliveryMethod::Window,
            },
        )
        .unwrap_err();
    assert!(matches!(refusal(err), DeferralError::LicenceHeld { .. }));
    h.run(CLERK, MON + Duration::days(3), receive(RULES));
    let case = h.case();
    assert!(!case.licence_held());
    assert_eq!(
        case.deferral().unwrap().completed_on(),
        Some(MON + Duration::days(3))
    );
    assert!(
        case.timeline()
            .last()
            .is_some_and(|t| t.label_zh.contains("发放证照"))
    );
    h.run(
        CLERK,
        MON + Duration::days(3),
        Command::Deliver {
            method: DeliveryMethod::Window,
        },
    );
    assert!(h.case().is_closed());
}

#[test]
fn rongque_an_item_not_on_the_list_is_refused() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let err = h
        .try_run(CLERK, MON, accept(&[RULES], MON + Duration::days(5)))
        .unwrap_err();
    assert_eq!(refusal(err), DeferralError::NotListed);
}

#[test]
fn rongque_a_key_material_may_not_follow() {
    let mut h = Harness::received(MON, listed_item());
    let err = h
        .try_run(CLERK, MON, accept(&["申请书"], MON + Duration::days(5)))
        .unwrap_err();
    assert!(matches!(refusal(err), DeferralError::NotDeferrable { .. }));
    let err = h
        .try_run(CLERK, MON, accept(&[RULES, RULES], MON + Duration::days(5)))
        .unwrap_err();
    assert_eq!(refusal(err), DeferralError::BadList);
    assert!(h.case().acceptance().is_none(), "nothing recorded");
}

#[test]
fn rongque_the_agreed_date_is_after_today_and_within_the_limit() {
    let mut h = Harness::received(MON, listed_item());
    for due in [MON, MON + Duration::days(MAX_DEFERRAL_DAYS + 1)] {
        let err = h.try_run(CLERK, MON, accept(&[RULES], due)).unwrap_err();
        assert!(
            matches!(refusal(err), DeferralError::DueDate { .. }),
            "{due}"
        );
    }
    h.run(
        CLERK,
        MON,
        accept(&[RULES], MON + Duration::days(MAX_DEFERRAL_DAYS)),
    );
}

#[test]
fn art32_4_a_deemed_acceptance_takes_no_deferral() {
    let mut h = Harness::received(MON, listed_item());
    // Five working days after receipt with no notice: deemed accepted from receipt.
    let late = date!(2026 - 11 - 12);
    let err = h
        .try_run(CLERK, late, accept(&[RULES], late + Duration::days(5)))
        .unwrap_err();
    assert_eq!(refusal(err), DeferralError::Deemed);
}

#[test]
fn rongque_only_owed_materials_are_received_and_only_by_a_clerk() {
    let mut h = Harness::received(MON, listed_item());
    let err = h.try_run(CLERK, MON, receive(RULES)).unwrap_err();
    assert_eq!(refusal(err), DeferralError::NothingOwed);
    h.run(CLERK, MON, accept(&[RULES], MON + Duration::days(10)));
    let err = h.try_run(CLERK, MON, receive("申请书")).unwrap_err();
    assert!(matches!(refusal(err), DeferralError::NotOwed { .. }));
    let err = h
        .try_as(REVIEWER_A, &[Role::Reviewer], MON, receive(RULES))
        .unwrap_err();
    assert_eq!(err, CaseError::MissingRole(Role::Clerk));
    h.run(CLERK, MON, receive(RULES));
    let err = h.try_run(CLERK, MON, receive(RULES)).unwrap_err();
    assert_eq!(refusal(err), DeferralError::NothingOwed);
}

#[test]
fn rongque_a_second_acceptance_with_deferral_is_refused() {
    let mut h = Harness::received(MON, listed_item());
    h.run(CLERK, MON, accept(&[RULES], MON + Duration::days(10)));
    let err = h
        .try_run(CLERK, MON, accept(&[RULES], MON + Duration::days(10)))
        .unwrap_err();
    assert!(matches!(err, CaseError::AlreadyAccepted { .. }), "{err:?}");
}

#[test]
fn issue21_item11_decision_stage_rongque_is_still_refused() {
    let mut h = granted_with_rules_owed();
    h.events.pop();
    let err = h
        .try_run(
            APPROVER,
            MON,
            Command::Decide {
                decision: Decision::ApproveWithDeferredMaterials {
                    materials: vec![RULES.into()],
                },
            },
        )
        .unwrap_err();
    assert_eq!(err, CaseError::DeferredMaterialsAtDecision);
}

#[test]
fn rongque_public_progress_shows_what_is_owed_and_the_hold_without_personal_data() {
    let h = granted_with_rules_owed();
    let p = h.case().public_progress(&h.cal, MON).unwrap();
    let d = p.deferral.as_ref().unwrap();
    assert_eq!(d.outstanding, [RULES]);
    assert!(d.licence_held && !d.overdue);
    assert!(d.summary_zh.contains("2026-11-12"), "{}", d.summary_zh);
    let json = serde_json::to_string(&p).unwrap();
    assert!(json.contains("licence_held"));
    let overdue = h.case().public_deferral(MON + Duration::days(11)).unwrap();
    assert!(overdue.overdue);
}

#[test]
fn rongque_the_desk_offers_the_listed_materials_then_what_is_owed() {
    use crate::access::Principal;
    use crate::case::{AllowedAction, allowed_actions};
    let h = Harness::received(MON, listed_item());
    let clerk = Principal {
        staff: Some(crate::org::StaffId::parse(CLERK).unwrap()),
        token: None,
        jurisdiction: crate::org::DivisionCode::parse("370100").unwrap(),
        department: crate::org::DepartmentCode::parse("SPJ").unwrap(),
        roles: vec![Role::Clerk],
        scopes: None,
    };
    let offered = |h: &Harness| {
        allowed_actions(&h.case(), &clerk, super::testkit::at(MON), &h.cal)
            .into_iter()
            .find_map(|a| match a {
                AllowedAction::Deferral {
                    may_follow,
                    outstanding,
                    ..
                } => Some((may_follow, outstanding)),
                _ => None,
            })
    };
    assert_eq!(offered(&h), Some((vec![RULES.to_owned()], vec![])));
    let mut h = h;
    h.run(CLERK, MON, accept(&[RULES], MON + Duration::days(10)));
    assert_eq!(offered(&h), Some((vec![], vec![RULES.to_owned()])));
    let plain = Harness::received(MON, item(20, 10, &[]));
    assert_eq!(offered(&plain), None);
}
