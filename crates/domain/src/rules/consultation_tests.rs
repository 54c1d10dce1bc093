//! `consultation_overdue`: one violating and one compliant sequence.

#![allow(clippy::unwrap_used)]

use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON, at, only};
use crate::case::testkit::cal;
use crate::consultation::{ConsultationAsked, ConsultationEvent, Opinion};
use crate::event::Event;
use crate::linkage::Claimant;
use crate::org::{DepartmentCode, StaffId};

fn consultation(e: ConsultationEvent) -> Event {
    Event::Consultation {
        consultation_id: "ZX3701000000001".into(),
        event: Box::new(e),
    }
}

fn asked() -> ConsultationEvent {
    ConsultationEvent::Asked(ConsultationAsked {
        consultation_id: "ZX3701000000001".into(),
        case_number: "37010020261102000007".into(),
        item_code: "990100001000".into(),
        department: DepartmentCode::parse("SCJG").unwrap(),
        question: "请现场核查经营场所".into(),
        asked_by: StaffId::parse("REV-1").unwrap(),
        asked_on: MON,
        due_working_days: 3,
        due_on: date!(2026 - 11 - 05),
        escalate_on: date!(2026 - 11 - 09),
    })
}

#[test]
fn an_opinion_given_by_the_due_date_raises_nothing() {
    let mut log = Log::new();
    log.push(at(MON, 10), "staff:REV-1", consultation(asked()));
    log.push(
        at(date!(2026 - 11 - 05), 15),
        "department:SCJG",
        consultation(ConsultationEvent::Answered {
            department: DepartmentCode::parse("SCJG").unwrap(),
            by: Claimant::Token("TK1".into()),
            on: date!(2026 - 11 - 05),
            opinion: Opinion::Agree,
            text: String::new(),
            attachments: vec![],
            late: false,
        }),
    );
    log.tick(date!(2026 - 11 - 30));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn an_opinion_missing_after_the_due_date_is_alerted_to_the_department_once() {
    let mut log = Log::new();
    log.push(at(MON, 10), "staff:REV-1", consultation(asked()));
    log.tick(date!(2026 - 11 - 05));
    assert!(log.rules().is_empty(), "due today: not late yet");
    log.tick(date!(2026 - 11 - 06));
    log.tick(date!(2026 - 11 - 09));
    only(&log.rules(), RuleId::ConsultationOverdue);
    let alerts = super::evaluate(cal(), &log.items);
    assert_eq!(alerts.len(), 1, "once per consultation");
    let a = &alerts[0];
    assert_eq!(a.subject, "consultation:ZX3701000000001");
    assert_eq!(a.responsible_department, DepartmentCode::parse("SCJG").ok());
    assert!(!a.message_zh.contains("经营场所"), "{}", a.message_zh);
}

#[test]
fn a_consultation_of_a_case_decided_before_its_due_date_is_not_alerted() {
    use crate::case::testkit::{APPROVER, Harness};
    use crate::case::{Command, Decision};
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        date!(2026 - 11 - 03),
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    let mut log = Log::new();
    log.push(at(MON, 9), "staff:REV-1", consultation(asked()));
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 09));
    assert!(
        !log.rules().contains(&RuleId::ConsultationOverdue),
        "{:?}",
        log.rules()
    );
}
