//! Unit tests of every refusal of the case lifecycle, one or more per error code.
//!
//! Dates are on the 2026 calendar. Unless a test says otherwise, the case is received and
//! accepted on Monday 2026-03-02, a plain working week with no holiday before April.

use time::Date;
use time::macros::date;

use crate::calendar::CalendarError;
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
        applicant_notified_on: notified,
    }
}

fn code_of(result: Result<Vec<CaseEvent>, CaseError>) -> &'static str {
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
                decision: Decision::Approve,
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
            decision: Decision::Approve,
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
    assert_eq!(code_of(err), "empty_list");
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
fn notice_or_refusal_after_the_window_is_refused_as_deemed_accepted() {
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
    let outcome = NonAcceptance::NoLicenceNeeded {
        reasons: Reasons::new(vec!["无需许可".into()]).unwrap(),
    };
    let err = h.try_run(
        CLERK,
        late,
        Command::RefuseAcceptance {
            outcome: outcome.clone(),
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
                decision: Decision::Approve,
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

#[test]
fn acts_after_the_decision_are_refused() {
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: Decision::Approve,
        },
    );
    let decided = |step| CaseError::AlreadyDecided { on: TUE, step };
    assert_eq!(
        h.try_run(REVIEWER_A, WED, review(ReviewKind::Review, true))
            .unwrap_err(),
        decided(CommandKind::Review)
    );
    assert_eq!(
        h.try_run(CLERK, WED, Command::Withdraw).unwrap_err(),
        decided(CommandKind::Withdraw)
    );
    assert_eq!(
        h.try_run(
            APPROVER,
            WED,
            Command::Decide {
                decision: refusal()
            }
        )
        .unwrap_err(),
        decided(CommandKind::Decide)
    );
    assert_eq!(
        h.try_run(CLERK, WED, Command::Accept).unwrap_err(),
        decided(CommandKind::Accept)
    );
}

#[test]
fn delivering_before_the_decision_is_refused() {
    let mut h = Harness::reviewed(MON);
    let err = h.try_run(
        CLERK,
        TUE,
        Command::Deliver {
            method: DeliveryMethod::Window,
        },
    );
    assert_eq!(err.unwrap_err(), CaseError::NotDecided);
}

#[test]
fn deciding_with_fewer_than_two_substantive_reviewers_is_refused() {
    let mut h = Harness::accepted(MON);
    let decide = || Command::Decide {
        decision: Decision::Approve,
    };
    assert_eq!(
        h.try_run(APPROVER, MON, decide()).unwrap_err(),
        CaseError::TooFewReviewers(0)
    );
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_A, MON, review(ReviewKind::Review, true));
    h.run(REVIEWER_B, MON, review(ReviewKind::Countersign, false));
    // Same reviewer twice, and a non-substantive countersignature, are still one.
    assert_eq!(
        h.try_run(APPROVER, TUE, decide()).unwrap_err(),
        CaseError::TooFewReviewers(1)
    );
    h.run(REVIEWER_B, TUE, review(ReviewKind::SiteInspection, true));
    h.run(APPROVER, TUE, decide());
}

#[test]
fn the_accepting_clerk_may_not_approve_the_same_case() {
    let mut h = Harness::reviewed(MON);
    let roles = [Role::Clerk, Role::Approver];
    let err = h.try_as(
        CLERK,
        &roles,
        TUE,
        Command::Decide {
            decision: Decision::Approve,
        },
    );
    assert_eq!(
        err.unwrap_err(),
        CaseError::SameAcceptorAndApprover(staff(CLERK))
    );
    // Another clerk with the approver role may.
    h.try_as(
        CLERK_2,
        &roles,
        TUE,
        Command::Decide {
            decision: Decision::Approve,
        },
    )
    .unwrap();
}

#[test]
fn special_procedure_not_listed_by_the_item_is_refused() {
    let mut h = Harness::reviewed(MON);
    let auction = Command::StartSpecialProcedure {
        procedure: SpecialProcedureKind::Auction,
        notice_reference: "x".into(),
    };
    let err = h.try_run(REVIEWER_A, TUE, auction);
    assert_eq!(
        err.unwrap_err(),
        CaseError::ProcedureNotListed(SpecialProcedureKind::Auction)
    );
}

#[test]
fn second_procedure_or_decision_while_one_is_open_is_refused() {
    let mut h = Harness::reviewed(MON);
    h.run(REVIEWER_A, TUE, start_expert_review());
    let open = CaseError::ProcedureOpen {
        kind: SpecialProcedureKind::ExpertReview,
        since: TUE,
    };
    let hearing = Command::StartSpecialProcedure {
        procedure: SpecialProcedureKind::Hearing,
        notice_reference: "听证通知".into(),
    };
    assert_eq!(h.try_run(REVIEWER_B, WED, hearing).unwrap_err(), open);
    let decide = Command::Decide {
        decision: Decision::Approve,
    };
    assert_eq!(h.try_run(APPROVER, WED, decide).unwrap_err(), open);
}

#[test]
fn ending_a_pause_that_is_not_open_is_refused() {
    let mut h = Harness::reviewed(MON);
    let err = h.try_run(REVIEWER_A, TUE, Command::EndSpecialProcedure);
    assert_eq!(err.unwrap_err(), CaseError::NoOpenProcedure);
    h.run(REVIEWER_A, TUE, start_expert_review());
    h.run(REVIEWER_A, TUE, Command::EndSpecialProcedure);
    let err = h.try_run(REVIEWER_A, WED, Command::EndSpecialProcedure);
    assert_eq!(err.unwrap_err(), CaseError::NoOpenProcedure);
}

#[test]
fn zero_or_excessive_extensions_are_refused() {
    let mut h = Harness::reviewed(MON);
    assert_eq!(
        h.try_run(HEAD, TUE, extension(0, TUE)).unwrap_err(),
        CaseError::ZeroExtension
    );
    assert_eq!(
        h.try_run(HEAD, TUE, extension(11, TUE)).unwrap_err(),
        CaseError::ExtensionExceedsAllowance {
            requested: 11,
            used: 0,
            allowed: 10
        }
    );
    h.run(HEAD, TUE, extension(6, TUE));
    assert_eq!(
        h.try_run(HEAD, WED, extension(5, WED)).unwrap_err(),
        CaseError::ExtensionExceedsAllowance {
            requested: 5,
            used: 6,
            allowed: 10
        }
    );
}

#[test]
fn government_head_extension_on_an_ordinary_case_is_refused() {
    let mut h = Harness::reviewed(MON);
    let command = Command::ApproveExtension {
        authority: ExtensionAuthority::GovernmentHead {
            approval_reference: "x".into(),
        },
        working_days: 5,
        reason: "r".into(),
        applicant_notified_on: TUE,
    };
    assert_eq!(
        h.try_run(HEAD, TUE, command).unwrap_err(),
        CaseError::WrongExtensionAuthority {
            required: ExtensionAuthorityKind::BureauHead
        }
    );
}

#[test]
fn extension_after_the_statutory_deadline_is_refused() {
    // Accepted Mon 03-02, 20 WD: 03-03..06 (1–4), 09–13 (5–9), 16–20 (10–14),
    // 23–27 (15–19), Mon 03-30 (20). The day after, it is too late.
    let mut h = Harness::reviewed(MON);
    let due = date!(2026 - 03 - 30);
    let late = date!(2026 - 03 - 31);
    let err = h.try_run(HEAD, late, extension(10, late));
    assert_eq!(err.unwrap_err(), CaseError::ExtensionTooLate { due });
    h.run(HEAD, due, extension(10, due));
}

#[test]
fn notification_outside_acceptance_and_approval_is_refused() {
    let mut h = Harness::accepted(TUE);
    let expected = |notified| CaseError::NotificationDate {
        notified,
        from: TUE,
        to: WED,
    };
    assert_eq!(
        h.try_run(HEAD, WED, extension(5, MON)).unwrap_err(),
        expected(MON)
    );
    let thu = date!(2026 - 03 - 05);
    assert_eq!(
        h.try_run(HEAD, WED, extension(5, thu)).unwrap_err(),
        expected(thu)
    );
}

#[test]
fn returning_to_a_step_never_taken_is_refused() {
    let mut h = Harness::reviewed(MON);
    let command = Command::Return {
        to_step: ReviewKind::SiteInspection,
        reason: "需现场勘查".into(),
    };
    let err = h.try_run(REVIEWER_B, TUE, command);
    assert_eq!(
        err.unwrap_err(),
        CaseError::NoStepToReturnTo(ReviewKind::SiteInspection)
    );
}

#[test]
fn transferring_to_the_current_holder_is_refused() {
    let mut h = Harness::accepted(MON);
    let to_self = Command::Transfer {
        to: staff(REVIEWER_A),
        reason: "r".into(),
    };
    assert_eq!(
        h.try_run(REVIEWER_A, MON, to_self).unwrap_err(),
        CaseError::TransferToSameReviewer(staff(REVIEWER_A))
    );
    h.run(
        REVIEWER_A,
        MON,
        Command::Transfer {
            to: staff(REVIEWER_B),
            reason: "r".into(),
        },
    );
    let again = Command::Transfer {
        to: staff(REVIEWER_B),
        reason: "r".into(),
    };
    assert_eq!(
        code_of(h.try_run(REVIEWER_A, MON, again)),
        "transfer_to_same_reviewer"
    );
}

#[test]
fn a_day_in_a_year_the_calendar_cannot_count_is_a_typed_error() {
    // Past the statutory table (2025–2050) no year is counted, not even provisionally.
    let mut h = Harness::accepted(MON);
    let err = h.try_run(
        REVIEWER_A,
        date!(2051 - 01 - 04),
        review(ReviewKind::Review, true),
    );
    let err = err.unwrap_err();
    assert_eq!(err, CaseError::Calendar(CalendarError::YearNotLoaded(2051)));
    assert_eq!(err.code(), "calendar");
    assert_eq!(err.message_zh(), "尚未导入2051年工作日历，无法计算期限");
}

#[test]
fn error_codes_are_distinct_and_every_error_has_chinese_text() {
    let d = MON;
    let s = staff(CLERK);
    let all = [
        CaseError::EmptyHistory,
        CaseError::HistoryWithoutReceipt("accepted"),
        CaseError::AlreadyReceived,
        CaseError::Closed(CaseStatus::Withdrawn),
        CaseError::MissingRole(Role::Clerk),
        CaseError::DateOutOfOrder { date: d, last: d },
        CaseError::CaseNumberDate {
            number: d,
            received: d,
        },
        CaseError::Blank("reason"),
        CaseError::EmptyList("deferred materials"),
        CaseError::NoReasons,
        CaseError::RemediesMissing("administrative litigation"),
        CaseError::EmptyNotice,
        CaseError::NoticeAlreadyIssued(d),
        CaseError::DeemedAccepted {
            due: d,
            received: d,
        },
        CaseError::NoNoticeIssued,
        CaseError::SupplementPending(d),
        CaseError::SupplementAlreadyReceived(d),
        CaseError::AlreadyAccepted {
            on: d,
            step: CommandKind::OneTimeNotice,
        },
        CaseError::NotAccepted(CommandKind::Review),
        CaseError::InvalidDeemedAcceptance { received: d },
        CaseError::AlreadyDecided {
            on: d,
            step: CommandKind::Withdraw,
        },
        CaseError::NotDecided,
        CaseError::TooFewReviewers(1),
        CaseError::SameAcceptorAndApprover(s.clone()),
        CaseError::ReviewerMayNotDecide(s.clone()),
        CaseError::ProcedureNotListed(SpecialProcedureKind::Auction),
        CaseError::ProcedureOpen {
            kind: SpecialProcedureKind::Hearing,
            since: d,
        },
        CaseError::NoOpenProcedure,
        CaseError::ZeroExtension,
        CaseError::ExtensionExceedsAllowance {
            requested: 1,
            used: 10,
            allowed: 10,
        },
        CaseError::WrongExtensionAuthority {
            required: ExtensionAuthorityKind::BureauHead,
        },
        CaseError::ExtensionTooLate { due: d },
        CaseError::NotificationDate {
            notified: d,
            from: d,
            to: d,
        },
        CaseError::NoStepToReturnTo(ReviewKind::Review),
        CaseError::TransferToSameReviewer(s),
        CaseError::Calendar(CalendarError::YearNotLoaded(2027)),
    ];
    let mut codes: Vec<_> = all.iter().map(CaseError::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    for e in &all {
        let zh = e.message_zh();
        assert!(!zh.is_empty() && !e.to_string().is_empty(), "{e:?}");
        // Field names are translated, never shown in English.
        assert!(
            !zh.contains("deferred") && !zh.contains("litigation"),
            "{zh}"
        );
    }
}
