//! Unit tests of the refusals from the decision on: steps after the decision, the reviewers and
//! the approver, special procedures, extensions, returns and transfers, and the error codes
//! themselves. Split from `refusals.rs` (same dates and helpers).

use time::macros::date;

use crate::calendar::CalendarError;
use crate::catalog::SpecialProcedureKind;
use crate::org::Role;

use super::refusals::{MON, TUE, WED, code_of, extension, refusal, start_expert_review};
use super::testkit::*;
use super::*;

#[test]
fn acts_after_the_decision_are_refused() {
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: Decision::APPROVE,
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
        decision: Decision::APPROVE,
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
            decision: Decision::APPROVE,
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
            decision: Decision::APPROVE,
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
        decision: Decision::APPROVE,
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
        applicant_notified_on: Some(TUE),
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
        CaseError::ExtensionNotAllowed {
            provision: "《中华人民共和国建筑法》第八条".into(),
        },
        CaseError::NotExcludedTime(SpecialProcedureKind::SiteCheck),
        CaseError::DeferredMaterialsAtDecision,
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
