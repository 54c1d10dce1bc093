//! Unit tests of every transition of the case lifecycle (refusals: `refusals.rs`).
//!
//! Dates are on the 2026 calendar. Unless a test says otherwise, the case is received and
//! accepted on Monday 2026-03-02, a plain working week with no holiday before April.

use time::Date;
use time::macros::date;

use crate::catalog::SpecialProcedureKind;
use crate::org::Role;

use super::testkit::*;
use super::*;

const MON: Date = date!(2026 - 03 - 02);
const TUE: Date = date!(2026 - 03 - 03);
const WED: Date = date!(2026 - 03 - 04);

fn refusal() -> Decision {
    Decision::Refuse(Refusal::new(vec!["经营场所不符合要求".into()], remedies()).unwrap())
}

fn start_expert_review() -> Command {
    Command::StartSpecialProcedure {
        procedure: SpecialProcedureKind::ExpertReview,
        notice_reference: "济审特〔2026〕1号".into(),
    }
}

fn extension(working_days: u32, notified: Date) -> Command {
    Command::ApproveExtension {
        authority: ExtensionAuthority::BureauHead,
        working_days,
        reason: "需补充现场核查".into(),
        applicant_notified_on: Some(notified),
    }
}

// ---- transitions ----

#[test]
fn receipt_opens_a_case_with_status_1_and_pins_the_item() {
    let h = Harness::received(MON, item(20, 10, &[]));
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::Received);
    assert!(case.awaits_acceptance());
    assert_eq!(case.received().item.version, 3);
    assert_eq!(case.received().received_on(), MON);
    assert_eq!(case.received().received_by, staff(CLERK));
    assert_eq!(case.timeline()[0].label_zh, "已接件（网上申请）");
}

#[test]
fn notice_then_supplement_emit_status_6_then_7() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        TUE,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    assert_eq!(h.case().status(), CaseStatus::SupplementStarted);
    assert_eq!(h.case().notice_issued_on(), Some(TUE));
    h.run(
        CLERK,
        WED,
        Command::ReceiveSupplement {
            materials: vec![material("食品安全管理制度")],
        },
    );
    assert_eq!(h.case().status(), CaseStatus::SupplementEnded);
    h.run(CLERK, WED, Command::Accept);
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::Accepted);
    let acceptance = case.acceptance().unwrap();
    assert_eq!((acceptance.on, acceptance.deemed), (WED, false));
}

#[test]
fn acceptance_within_the_window_is_not_deemed() {
    let h = Harness::accepted(MON);
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::Accepted);
    assert_eq!(case.acceptance().unwrap().by, staff(CLERK));
    assert!(!case.acceptance().unwrap().deemed);
}

#[test]
fn no_licence_needed_emits_status_4_and_closes() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let outcome = NonAcceptance::NoLicenceNeeded {
        reasons: Reasons::new(vec!["该事项无需取得行政许可".into()]).unwrap(),
    };
    h.run(CLERK, MON, Command::RefuseAcceptance { outcome });
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::NotAccepted);
    assert!(case.is_closed());
    assert_eq!(case.closed_on(), Some(MON));
}

#[test]
fn not_competent_emits_status_5_and_names_the_competent_authority() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let outcome = NonAcceptance::NotCompetent {
        reasons: Reasons::new(vec!["属于省级事权".into()]).unwrap(),
        competent_authority: "山东省市场监督管理局".into(),
        remedies: remedies(),
    };
    h.run(CLERK, MON, Command::RefuseAcceptance { outcome });
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::AcceptanceRefused);
    assert_eq!(
        case.timeline().last().unwrap().label_zh,
        "不予受理（请向山东省市场监督管理局申请）"
    );
}

#[test]
fn materials_not_corrected_after_the_notice_emits_status_5() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let outcome = NonAcceptance::MaterialsNotCorrected {
        reasons: Reasons::new(vec!["逾期未补正".into()]).unwrap(),
        remedies: remedies(),
    };
    // After the supplement window (`SUPPLEMENT_WINDOW_DAYS`, issue #21 item 10).
    let after = MON + time::Duration::days(SUPPLEMENT_WINDOW_DAYS + 1);
    h.run(CLERK, after, Command::RefuseAcceptance { outcome });
    assert_eq!(h.case().status(), CaseStatus::AcceptanceRefused);
}

#[test]
fn first_review_step_emits_status_8_once() {
    let mut h = Harness::accepted(MON);
    h.run(REVIEWER_A, TUE, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_B, TUE, review(ReviewKind::Review, true));
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::HandlingStarted);
    let signals: Vec<_> = case.timeline().iter().filter_map(|t| t.status).collect();
    assert_eq!(
        signals,
        [
            CaseStatus::Received,
            CaseStatus::Accepted,
            CaseStatus::HandlingStarted
        ]
    );
    assert_eq!(
        case.substantive_reviewers(),
        [&staff(REVIEWER_A), &staff(REVIEWER_B)]
    );
}

#[test]
fn transfer_hands_the_case_to_another_reviewer() {
    let mut h = Harness::accepted(MON);
    h.run(
        REVIEWER_A,
        TUE,
        Command::Transfer {
            to: staff(REVIEWER_B),
            reason: "专业对口".into(),
        },
    );
    assert_eq!(h.case().assignee(), Some(&staff(REVIEWER_B)));
}

#[test]
fn return_supersedes_the_step_and_everything_after_it() {
    let mut h = Harness::reviewed(MON);
    h.run(REVIEWER_A, TUE, review(ReviewKind::SiteInspection, true));
    h.run(
        REVIEWER_B,
        TUE,
        Command::Return {
            to_step: ReviewKind::Review,
            reason: "现场情况与材料不符".into(),
        },
    );
    let case = h.case();
    let superseded: Vec<_> = case.steps().iter().map(|s| s.superseded).collect();
    assert_eq!(superseded, [false, true, true]);
    // Only REV-A's initial review still counts, so Art. 34 is no longer met.
    assert_eq!(case.substantive_reviewers(), [&staff(REVIEWER_A)]);
    let err = h.try_run(
        APPROVER,
        WED,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    assert_eq!(err.unwrap_err(), CaseError::TooFewReviewers(1));
}

#[test]
fn special_procedure_emits_status_9_then_10_and_records_the_pause() {
    let mut h = Harness::reviewed(MON);
    h.run(REVIEWER_A, TUE, start_expert_review());
    assert_eq!(h.case().status(), CaseStatus::SpecialProcedureStarted);
    assert!(h.case().open_procedure().is_some());
    h.run(REVIEWER_A, WED, Command::EndSpecialProcedure);
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::SpecialProcedureEnded);
    let p = &case.procedures()[0];
    assert_eq!((p.from, p.to), (TUE, Some(WED)));
    assert_eq!(p.notice_reference, "济审特〔2026〕1号");
}

#[test]
fn extension_is_recorded_with_its_approver_and_notification() {
    let mut h = Harness::reviewed(MON);
    h.try_as(HEAD, &[Role::BureauHead], TUE, extension(6, MON))
        .unwrap();
    h.try_as(HEAD, &[Role::BureauHead], WED, extension(4, WED))
        .unwrap();
    let case = h.case();
    assert_eq!(case.extension_working_days(), 10);
    assert_eq!(case.extensions()[0].approved_by, staff(HEAD));
    assert_eq!(case.extensions()[0].applicant_notified_on, Some(MON));
}

#[test]
fn joint_handling_extension_needs_the_government_head() {
    let mut joint = item(45, 30, &[]);
    joint.joint_handling = true;
    let mut h = Harness::received(MON, joint);
    h.run(CLERK, MON, Command::Accept);
    let bureau = h.try_run(HEAD, TUE, extension(10, TUE));
    assert_eq!(
        bureau.unwrap_err(),
        CaseError::WrongExtensionAuthority {
            required: ExtensionAuthorityKind::GovernmentHead
        }
    );
    let government = Command::ApproveExtension {
        authority: ExtensionAuthority::GovernmentHead {
            approval_reference: "济政字〔2026〕8号".into(),
        },
        working_days: 15,
        reason: "联合办理需协调".into(),
        applicant_notified_on: Some(TUE),
    };
    h.run(HEAD, TUE, government);
    assert_eq!(h.case().extension_working_days(), 15);
}

#[test]
fn decisions_emit_status_11_or_13() {
    for (decision, status) in [
        (Decision::APPROVE, CaseStatus::Approved),
        (refusal(), CaseStatus::Refused),
    ] {
        let mut h = Harness::reviewed(MON);
        h.run(
            APPROVER,
            TUE,
            Command::Decide {
                decision: decision.clone(),
            },
        );
        let case = h.case();
        assert_eq!(case.status(), status);
        assert_eq!(case.decision().unwrap().decision, decision);
        assert_eq!(case.decision().unwrap().on(), TUE);
        assert!(!case.is_closed());
    }
}

#[test]
fn a_deferred_materials_decision_recorded_before_issue_21_still_replays_as_status_12() {
    let mut h = Harness::reviewed(MON);
    let deferred = Decision::ApproveWithDeferredMaterials {
        materials: vec!["健康证明".into()],
    };
    h.events.push(CaseEvent::Decided {
        approver: staff(APPROVER),
        decision: deferred.clone(),
        decided_at: at(TUE),
    });
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::ApprovedWithDeferredMaterials);
    assert_eq!(case.decision().unwrap().decision, deferred);
}

#[test]
fn delivery_closes_the_case_and_keeps_the_decision_status() {
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    h.run(
        CLERK,
        WED,
        Command::Deliver {
            method: DeliveryMethod::Electronic,
        },
    );
    let case = h.case();
    assert!(case.is_closed());
    assert_eq!(case.status(), CaseStatus::Approved);
    assert_eq!(case.delivery(), Some((DeliveryMethod::Electronic, WED)));
}

#[test]
fn withdrawal_emits_status_2_before_acceptance_and_during_review() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(CLERK, TUE, Command::Withdraw);
    assert_eq!(h.case().status(), CaseStatus::Withdrawn);
    assert!(h.case().is_closed());

    let mut h = Harness::reviewed(MON);
    h.run(REVIEWER_A, TUE, start_expert_review());
    h.run(CLERK, WED, Command::Withdraw);
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::Withdrawn);
    // The open pause ends with the withdrawal.
    assert_eq!(case.procedures()[0].to, Some(WED));
}

#[test]
fn refusal_carries_reasons_and_the_remedy_statement() {
    let r = Refusal::new(vec!["场所不符".into()], remedies()).unwrap();
    assert_eq!(r.reasons(), ["场所不符"]);
    assert_eq!(
        r.remedies().to_chinese(),
        "如不服本决定，可以自知道该行政行为之日起六十日内向济南市人民政府申请行政复议，\
         也可以自知道该行政行为之日起六个月内向济南市历下区人民法院提起行政诉讼。"
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["reasons"][0], "场所不符");
    assert_eq!(json["remedies"]["litigation"], "济南市历下区人民法院");
}

#[test]
fn legal_dates_are_days_in_china_standard_time() {
    // 16:30 UTC on Sunday 03-01 is 00:30 on Monday 03-02 in Beijing.
    let cal = cal();
    let now = time::macros::datetime!(2026-03-01 16:30 UTC);
    assert_eq!(legal_date(now), MON);
    let context = CaseContext {
        actor: staff(CLERK),
        roles: vec![Role::Clerk],
        now,
        calendar: &cal,
    };
    assert_eq!(context.today(), MON);
    let events = Case::receive(intake(MON, item(20, 10, &[]), false), &context).unwrap();
    assert_eq!(Case::apply(&events).unwrap().received().received_on(), MON);
    // A receipt in a year the calendar cannot count (past the statutory table) is refused
    // with the calendar's error; one in 2027, not loaded, is counted provisionally.
    let division = crate::org::DivisionCode::parse("370100").unwrap();
    let on = |day: Date| {
        let mut intake = intake(MON, item(20, 10, &[]), false);
        intake.case_number = CaseNumber::new(&division, day, 1).unwrap();
        Case::receive(intake, &ctx(&cal, CLERK, &[Role::Clerk], day))
    };
    assert_eq!(on(date!(2051 - 01 - 04)).unwrap_err().code(), "calendar");
    assert!(on(date!(2027 - 01 - 04)).is_ok());
}

#[test]
fn a_reviewer_of_the_case_may_not_decide_it() {
    let mut h = Harness::reviewed(MON);
    let roles = [Role::Reviewer, Role::Approver];
    let decide = || Command::Decide {
        decision: Decision::APPROVE,
    };
    // Whichever review step they recorded, substantive or not, superseded or not.
    for who in [REVIEWER_A, REVIEWER_B] {
        assert_eq!(
            h.try_as(who, &roles, TUE, decide()).unwrap_err(),
            CaseError::ReviewerMayNotDecide(staff(who))
        );
    }
    // An approver who took no part in the review may.
    h.try_as(APPROVER, &roles, TUE, decide()).unwrap();
}
