//! Unit tests of every refusal of the case lifecycle, one or more per error code.
//!
//! Dates are on the 2026 calendar. Unless a test says otherwise, the case is received and
//! accepted on Monday 2026-03-02, a plain working week with no holiday before April.

use time::Date;
use time::macros::date;

use crate::catalog::SpecialProcedureKind;
use crate::org::Role;

use super::testkit::*;
use super::*;

pub(super) const MON: Date = date!(2026 - 03 - 02);
pub(super) const TUE: Date = date!(2026 - 03 - 03);
pub(super) const WED: Date = date!(2026 - 03 - 04);

pub(super) fn refusal() -> Decision {
    Decision::Refuse(Refusal::new(vec!["经营场所不符合要求".into()], remedies()).unwrap())
}

pub(super) fn start_expert_review() -> Command {
    Command::StartSpecialProcedure {
        procedure: SpecialProcedureKind::ExpertReview,
        notice_reference: "济审特〔2026〕1号".into(),
    }
}

pub(super) fn extension(working_days: u32, notified: Date) -> Command {
    Command::ApproveExtension {
        authority: ExtensionAuthority::BureauHead,
        working_days,
        reason: "需补充现场核查".into(),
        applicant_notified_on: Some(notified),
    }
}

pub(super) fn code_of(result: Result<Vec<CaseEvent>, CaseError>) -> &'static str {
    result.unwrap_err().code()
}

#[test]
fn empty_history_and_history_without_receipt_are_refused() {
    assert_eq!(Case::apply(&[]), Err(CaseError::EmptyHistory));
    let h = Harness::accepted(MON);
    assert_eq!(
        Case::apply(&h.events[1..]).unwrap_err().code(),
        "history_without_receipt"
    );
}

#[test]
fn second_receipt_is_refused() {
    let h = Harness::received(MON, item(20, 10, &[]));
    let mut case = h.case();
    let err = case.evolve(&h.events[0]).unwrap_err();
    assert_eq!(err, CaseError::AlreadyReceived);
    assert_eq!(err.code(), "already_received");
}

#[test]
fn closed_case_refuses_every_command() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(CLERK, MON, Command::Withdraw);
    for (who, command) in [
        (CLERK, Command::Accept),
        (CLERK, Command::Withdraw),
        (REVIEWER_A, review(ReviewKind::Review, true)),
        (
            APPROVER,
            Command::Decide {
                decision: Decision::APPROVE,
            },
        ),
    ] {
        let err = h.try_run(who, TUE, command).unwrap_err();
        assert_eq!(err, CaseError::Closed(CaseStatus::Withdrawn));
        assert_eq!(err.code(), "case_closed");
    }
}

#[test]
fn actor_without_the_role_is_refused() {
    let mut h = Harness::reviewed(MON);
    let err = h.try_as(
        CLERK,
        &[Role::Clerk],
        TUE,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    assert_eq!(err.unwrap_err(), CaseError::MissingRole(Role::Approver));
    let err = h.try_as(APPROVER, &[Role::Approver], TUE, extension(5, TUE));
    assert_eq!(code_of(err), "missing_role");
    let ctx = ctx(&h.cal, REVIEWER_A, &[Role::Reviewer], MON);
    let err = Case::receive(intake(MON, item(20, 10, &[]), false), &ctx);
    assert_eq!(err.unwrap_err(), CaseError::MissingRole(Role::Clerk));
}

#[test]
fn command_dated_before_the_last_event_is_refused() {
    let mut h = Harness::accepted(WED);
    let err = h.try_run(REVIEWER_A, TUE, review(ReviewKind::InitialReview, true));
    assert_eq!(
        err.unwrap_err(),
        CaseError::DateOutOfOrder {
            date: TUE,
            last: WED
        }
    );
}

#[test]
fn case_number_must_carry_the_receipt_date() {
    let cal = cal();
    let err = Case::receive(
        intake(MON, item(20, 10, &[]), false),
        &ctx(&cal, CLERK, &[Role::Clerk], TUE),
    );
    assert_eq!(
        err.unwrap_err(),
        CaseError::CaseNumberDate {
            number: MON,
            received: TUE
        }
    );
}

#[test]
fn blank_texts_are_refused() {
    let mut h = Harness::accepted(MON);
    let blank_opinion = Command::RecordReviewStep {
        step: ReviewKind::InitialReview,
        opinion: "  ".into(),
        substantive: true,
    };
    let err = h.try_run(REVIEWER_A, MON, blank_opinion);
    assert_eq!(err.unwrap_err(), CaseError::Blank("opinion"));
    let blank_reason = Command::Transfer {
        to: staff(REVIEWER_B),
        reason: String::new(),
    };
    assert_eq!(
        code_of(h.try_run(REVIEWER_A, MON, blank_reason)),
        "blank_text"
    );
    let blank_ref = Command::StartSpecialProcedure {
        procedure: SpecialProcedureKind::ExpertReview,
        notice_reference: " ".into(),
    };
    let err = h.try_run(REVIEWER_A, MON, blank_ref);
    assert_eq!(err.unwrap_err(), CaseError::Blank("notice reference"));
    assert_eq!(
        Reasons::new(vec!["理由".into(), "\t".into()]),
        Err(CaseError::Blank("reason"))
    );
}

#[test]
fn empty_lists_are_refused() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let err = h.try_run(CLERK, TUE, Command::ReceiveSupplement { materials: vec![] });
    assert_eq!(
        err.unwrap_err(),
        CaseError::EmptyList("supplement materials")
    );
    let mut h = Harness::reviewed(MON);
    let empty = Decision::ApproveWithDeferredMaterials { materials: vec![] };
    let err = h.try_run(APPROVER, TUE, Command::Decide { decision: empty });
    assert_eq!(code_of(err), "deferred_materials_at_decision");
}

#[test]
fn unreasoned_refusal_cannot_be_built_or_deserialized() {
    assert_eq!(
        Refusal::new(vec![], remedies()).unwrap_err(),
        CaseError::NoReasons
    );
    assert_eq!(CaseError::NoReasons.code(), "reasons_missing");
    let json = serde_json::json!({
        "reasons": [],
        "remedies": {"reconsideration": "济南市人民政府", "litigation": "历下区人民法院"}
    });
    assert!(serde_json::from_value::<Refusal>(json).is_err());
}

#[test]
fn refusal_without_remedies_cannot_be_built_or_deserialized() {
    assert_eq!(
        Remedies::new("", "历下区人民法院").unwrap_err(),
        CaseError::RemediesMissing("administrative reconsideration")
    );
    let err = Remedies::new("济南市人民政府", " ").unwrap_err();
    assert_eq!(err.code(), "remedies_missing");
    assert!(
        err.message_zh().contains("行政诉讼法院"),
        "{}",
        err.message_zh()
    );
    let json =
        serde_json::json!({"reasons": ["x"], "remedies": {"reconsideration": "济南市人民政府"}});
    assert!(serde_json::from_value::<Refusal>(json).is_err());
}

#[test]
fn empty_notice_is_refused() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let err = h.try_run(CLERK, MON, Command::IssueOneTimeNotice { items: vec![] });
    assert_eq!(err.unwrap_err(), CaseError::EmptyNotice);
}

#[test]
fn second_one_time_notice_is_refused() {
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
            materials: vec![material("制度")],
        },
    );
    let err = h.try_run(
        CLERK,
        WED,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    assert_eq!(err.unwrap_err(), CaseError::NoticeAlreadyIssued(MON));
}

#[test]
fn art32_a_notice_after_the_window_is_refused_as_deemed_accepted_but_not_a_refusal_on_32_1() {
    // Received Mon 03-02; window: 03-03, 04, 05, 06, 09 → due Mon 03-09.
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let expected = CaseError::DeemedAccepted {
        due: date!(2026 - 03 - 09),
        received: MON,
    };
    let late = date!(2026 - 03 - 10);
    let err = h.try_run(
        CLERK,
        late,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    assert_eq!(err.unwrap_err(), expected);
    // On the last day of the window the notice is still in time.
    let on_time = date!(2026 - 03 - 09);
    h.run(
        CLERK,
        on_time,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    // Art. 32(1): no licence is needed, however late that is noticed; the deemed acceptance
    // answers a missed notice about materials, not the matter itself.
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let outcome = NonAcceptance::NoLicenceNeeded {
        reasons: Reasons::new(vec!["无需许可".into()]).unwrap(),
    };
    h.run(CLERK, late, Command::RefuseAcceptance { outcome });
    assert!(h.case().is_closed());
}

#[test]
fn supplement_or_not_corrected_without_a_notice_is_refused() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    let err = h.try_run(
        CLERK,
        MON,
        Command::ReceiveSupplement {
            materials: vec![material("x")],
        },
    );
    assert_eq!(err.unwrap_err(), CaseError::NoNoticeIssued);
    let outcome = NonAcceptance::MaterialsNotCorrected {
        reasons: Reasons::new(vec!["未补正".into()]).unwrap(),
        remedies: remedies(),
    };
    let err = h.try_run(CLERK, MON, Command::RefuseAcceptance { outcome });
    assert_eq!(code_of(err), "no_notice_issued");
}

#[test]
fn accepting_while_the_supplement_is_pending_is_refused() {
    let mut h = Harness::received(MON, item(20, 10, &[]));
    h.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let err = h.try_run(CLERK, TUE, Command::Accept);
    assert_eq!(err.unwrap_err(), CaseError::SupplementPending(MON));
}

#[test]
fn second_supplement_is_refused() {
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
            materials: vec![material("a")],
        },
    );
    let err = h.try_run(
        CLERK,
        WED,
        Command::ReceiveSupplement {
            materials: vec![material("b")],
        },
    );
    assert_eq!(err.unwrap_err(), CaseError::SupplementAlreadyReceived(TUE));
}

#[test]
fn accepting_twice_is_refused() {
    let mut h = Harness::accepted(MON);
    let err = h.try_run(CLERK_2, TUE, Command::Accept);
    assert_eq!(
        err.unwrap_err(),
        CaseError::AlreadyAccepted {
            on: MON,
            step: CommandKind::Accept
        }
    );
    let err = h.try_run(
        CLERK,
        TUE,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    assert_eq!(code_of(err), "already_accepted");
}

#[test]
fn a_step_refused_after_acceptance_names_itself_not_a_second_acceptance() {
    let mut h = Harness::accepted(MON);
    let notice = h
        .try_run(
            CLERK,
            TUE,
            Command::IssueOneTimeNotice {
                items: notice_items(),
            },
        )
        .unwrap_err();
    let zh = notice.message_zh();
    assert!(
        zh.contains("一次性告知补正") && !zh.contains("重复受理"),
        "{zh}"
    );
    let refuse = h
        .try_run(
            CLERK,
            TUE,
            Command::RefuseAcceptance {
                outcome: NonAcceptance::NoLicenceNeeded {
                    reasons: Reasons::new(vec!["无需许可".into()]).unwrap(),
                },
            },
        )
        .unwrap_err();
    let zh = refuse.message_zh();
    assert!(zh.contains("不予受理") && !zh.contains("重复受理"), "{zh}");
    // Accepting again is the one refusal that is about a second acceptance.
    let again = h.try_run(CLERK, TUE, Command::Accept).unwrap_err();
    assert!(again.message_zh().contains("不能重复受理"));
}

#[test]
fn review_phase_acts_before_acceptance_are_refused() {
    let mut h = Harness::received(MON, item(20, 10, &[SpecialProcedureKind::Hearing]));
    for (who, command) in [
        (
            APPROVER,
            Command::Decide {
                decision: Decision::APPROVE,
            },
        ),
        (REVIEWER_A, review(ReviewKind::InitialReview, true)),
        (REVIEWER_A, Command::EndSpecialProcedure),
    ] {
        let kind = command.kind();
        assert_eq!(
            h.try_run(who, TUE, command).unwrap_err(),
            CaseError::NotAccepted(kind)
        );
    }
    assert_eq!(
        h.try_run(HEAD, TUE, extension(5, TUE)).unwrap_err(),
        CaseError::NotAccepted(CommandKind::Extend)
    );
}

#[test]
fn deemed_acceptance_must_take_the_receipt_day_and_follow_no_notice() {
    let h = Harness::received(MON, item(20, 10, &[]));
    let mut case = h.case();
    let wrong_day = CaseEvent::Accepted {
        by: staff(CLERK),
        deemed: true,
        on: TUE,
    };
    assert_eq!(
        case.evolve(&wrong_day).unwrap_err(),
        CaseError::InvalidDeemedAcceptance { received: MON }
    );
    case.evolve(&CaseEvent::OneTimeNoticeIssued {
        by: staff(CLERK),
        items: notice_items(),
        on: MON,
    })
    .unwrap();
    let after_notice = CaseEvent::Accepted {
        by: staff(CLERK),
        deemed: true,
        on: MON,
    };
    assert_eq!(
        case.evolve(&after_notice).unwrap_err().code(),
        "invalid_deemed_acceptance"
    );
}
