#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use time::macros::date;

use super::*;

fn dept(s: &str) -> DepartmentCode {
    DepartmentCode::parse(s).unwrap()
}

fn asked() -> ConsultationAsked {
    ConsultationAsked {
        consultation_id: "ZX3701000000001".into(),
        case_number: "3701002026110200001".into(),
        item_code: "990100001000".into(),
        department: dept("SCJG"),
        question: "请核查申请人经营场所是否符合食品安全要求".into(),
        asked_by: StaffId::parse("REV-1").unwrap(),
        asked_on: date!(2026 - 11 - 02),
        due_working_days: 3,
        due_on: date!(2026 - 11 - 05),
        escalate_on: date!(2026 - 11 - 09),
    }
}

fn given(opinion: Opinion, text: &str) -> Opinionated {
    Opinionated {
        opinion,
        text: text.into(),
        attachments: vec![],
    }
}

fn request<'a>(departments: &'a [DepartmentCode], bureau: &'a DepartmentCode) -> Request<'a> {
    Request {
        status: CaseStatus::Accepted,
        departments,
        bureau,
        question: "现场核查",
        due_working_days: 5,
    }
}

#[test]
fn a_request_needs_a_case_under_review_and_distinct_other_departments() {
    let bureau = dept("SPJ");
    let two = [dept("SCJG"), dept("ZJ")];
    assert_eq!(check_request(&request(&two, &bureau)), Ok(()));
    for status in [
        CaseStatus::Received,
        CaseStatus::SupplementStarted,
        CaseStatus::Approved,
        CaseStatus::Refused,
        CaseStatus::Withdrawn,
    ] {
        let r = Request {
            status,
            ..request(&two, &bureau)
        };
        assert_eq!(
            check_request(&r),
            Err(ConsultationError::NotUnderReview(status))
        );
    }
    assert_eq!(
        check_request(&request(&[], &bureau)),
        Err(ConsultationError::NoDepartments)
    );
    let twice = [dept("SCJG"), dept("SCJG")];
    assert_eq!(
        check_request(&request(&twice, &bureau)),
        Err(ConsultationError::DuplicateDepartment("SCJG".into()))
    );
    let own = [dept("SPJ")];
    assert_eq!(
        check_request(&request(&own, &bureau)),
        Err(ConsultationError::OwnBureau)
    );
    let blank = Request {
        question: "  ",
        ..request(&two, &bureau)
    };
    assert_eq!(
        check_request(&blank),
        Err(ConsultationError::Blank("question"))
    );
    for days in [0, 31] {
        let r = Request {
            due_working_days: days,
            ..request(&two, &bureau)
        };
        assert_eq!(check_request(&r), Err(ConsultationError::BadDueDays));
    }
}

#[test]
fn only_the_asked_department_answers_and_only_once() {
    let c = Consultation::apply(&[ConsultationEvent::Asked(asked())]).unwrap();
    let token = || Claimant::Token("TK1".into());
    assert_eq!(
        c.answer(
            &dept("ZJ"),
            token(),
            given(Opinion::Agree, ""),
            date!(2026 - 11 - 03)
        ),
        Err(ConsultationError::WrongDepartment)
    );
    assert_eq!(
        c.answer(
            &dept("SCJG"),
            token(),
            given(Opinion::Disagree, " "),
            date!(2026 - 11 - 03)
        ),
        Err(ConsultationError::Blank("text")),
        "a disagreement gives its reasons"
    );
    let e = c
        .answer(
            &dept("SCJG"),
            token(),
            given(Opinion::Agree, ""),
            date!(2026 - 11 - 05),
        )
        .unwrap();
    assert!(matches!(e, ConsultationEvent::Answered { late: false, .. }));
    let c = Consultation::apply(&[ConsultationEvent::Asked(asked()), e]).unwrap();
    assert_eq!(c.status(), ConsultationStatus::Answered);
    assert_eq!(
        c.answer(
            &dept("SCJG"),
            token(),
            given(Opinion::Agree, ""),
            date!(2026 - 11 - 06)
        ),
        Err(ConsultationError::AlreadyAnswered)
    );
    assert!(c.due_actions(date!(2026 - 12 - 01), &[]).is_empty());
}

#[test]
fn an_unanswered_consultation_is_reminded_then_escalated_and_a_late_answer_says_so() {
    let mut events = vec![ConsultationEvent::Asked(asked())];
    let c = Consultation::apply(&events).unwrap();
    assert!(c.due_actions(date!(2026 - 11 - 04), &[]).is_empty());
    assert!(!c.is_overdue(date!(2026 - 11 - 05)));
    let on_due = c.due_actions(date!(2026 - 11 - 05), &[]);
    assert_eq!(
        on_due,
        vec![ConsultationEvent::Reminded {
            on: date!(2026 - 11 - 05)
        }]
    );
    events.extend(on_due);
    let c = Consultation::apply(&events).unwrap();
    assert!(c.due_actions(date!(2026 - 11 - 06), &[]).is_empty());
    let inspectors = [StaffId::parse("INSP-1").unwrap()];
    let esc = c.due_actions(date!(2026 - 11 - 09), &inspectors);
    assert!(
        matches!(&esc[..], [ConsultationEvent::Escalated { inspectors, .. }] if inspectors.len() == 1)
    );
    events.extend(esc);
    let c = Consultation::apply(&events).unwrap();
    assert!(c.is_overdue(date!(2026 - 11 - 09)));
    assert!(c.due_actions(date!(2026 - 11 - 10), &[]).is_empty());
    let e = c
        .answer(
            &dept("SCJG"),
            Claimant::Staff(StaffId::parse("SCJG-1").unwrap()),
            given(Opinion::Conditional, "须整改后方可经营"),
            date!(2026 - 11 - 10),
        )
        .unwrap();
    events.push(e);
    let c = Consultation::apply(&events).unwrap();
    assert_eq!(c.status(), ConsultationStatus::AnsweredLate);
    assert!(!c.is_overdue(date!(2026 - 11 - 30)));
}

#[test]
fn the_public_view_carries_no_question_or_opinion_text() {
    let c = Consultation::apply(&[ConsultationEvent::Asked(asked())]).unwrap();
    let answered = c
        .answer(
            &dept("SCJG"),
            Claimant::Token("TK1".into()),
            Opinionated {
                opinion: Opinion::Disagree,
                text: "张三的场所不符合要求".into(),
                attachments: vec!["ab".repeat(32)],
            },
            date!(2026 - 11 - 03),
        )
        .unwrap();
    for e in [ConsultationEvent::Asked(asked()), answered.clone()] {
        let public = e.public_view().to_string();
        assert!(
            !public.contains("食品安全") && !public.contains("张三"),
            "{public}"
        );
        assert!(!public.contains(&"ab".repeat(32)), "{public}");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<ConsultationEvent>(&json).unwrap(), e);
    }
    assert_eq!(answered.public_view()["opinion"], "disagree");
}

#[test]
fn a_due_date_after_the_statutory_due_date_is_flagged() {
    assert!(beyond_decision_due(
        date!(2026 - 11 - 20),
        Some(date!(2026 - 11 - 19))
    ));
    assert!(!beyond_decision_due(
        date!(2026 - 11 - 19),
        Some(date!(2026 - 11 - 19))
    ));
    assert!(!beyond_decision_due(date!(2026 - 11 - 19), None));
}

#[test]
fn opinions_parse_from_their_codes() {
    for o in Opinion::ALL {
        assert_eq!(Opinion::parse(o.code()), Some(o));
    }
    assert_eq!(Opinion::parse("maybe"), None);
}
