//! `commitment_verification_overdue` and `commitment_revocation_missing` (issue #19 item 5):
//! each with a violating and a compliant sequence.

#![allow(clippy::unwrap_used)]

use time::Date;
use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON, at, only};
use crate::case::CaseNumber;
use crate::commitment::{CommitmentEvent, Verdict, VerificationAsked};
use crate::event::Event;
use crate::licence::{LicenceEvent, RevocationGround};
use crate::linkage::Claimant;
use crate::org::{DepartmentCode, StaffId};

const NUMBER: &str = "37010020261102000007";
const DUE: Date = date!(2027 - 01 - 02);

fn commitment(e: CommitmentEvent) -> Event {
    Event::Commitment {
        case_number: CaseNumber::parse(NUMBER).unwrap(),
        event: Box::new(e),
    }
}

fn dept() -> DepartmentCode {
    DepartmentCode::parse("WJW").unwrap()
}

fn licence(e: LicenceEvent) -> Event {
    Event::Licence {
        licence_id: "L7".into(),
        event: Box::new(e),
    }
}

/// A grant on MON under a commitment: the licence and the verification task.
fn granted() -> Log {
    let mut log = Log::new();
    log.push(
        at(MON, 10),
        "staff:APPROVE",
        licence(LicenceEvent::Issued {
            licence_id: "L7".into(),
            case_number: NUMBER.into(),
            item_code: "990100007000".into(),
            item_name: "公共场所卫生许可".into(),
            holder: "某酒店有限公司".into(),
            valid_from: MON,
            valid_until: date!(2030 - 11 - 01),
            renewal_lead_days: None,
            scope: None,
            address: None,
            start_by: None,
        }),
    );
    log.push(
        at(MON, 10),
        "system:commitment",
        commitment(CommitmentEvent::Asked(VerificationAsked {
            case_number: NUMBER.into(),
            item_code: "990100007000".into(),
            licence_id: Some("L7".into()),
            push_id: Some("TS370100000001".into()),
            department: Some(dept()),
            text_sha256: "ab".repeat(32),
            asked_on: MON,
            due_on: DUE,
        })),
    );
    log
}

fn answered(log: &mut Log, on: Date, verdict: Verdict) {
    log.push(
        at(on, 15),
        "department:WJW",
        commitment(CommitmentEvent::Answered {
            department: dept(),
            by: Claimant::Token("TK1".into()),
            on,
            verdict,
            finding: "现场核查：卫生管理制度未建立".into(),
            late: on > DUE,
        }),
    );
}

#[test]
fn a_verification_answered_by_its_due_date_raises_nothing() {
    let mut log = granted();
    answered(&mut log, date!(2026 - 12 - 15), Verdict::Verified);
    log.tick(date!(2027 - 03 - 01));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn a_verification_unanswered_after_its_due_date_is_alerted_to_the_department_once() {
    let mut log = granted();
    log.tick(DUE);
    assert!(log.rules().is_empty(), "due today: not late yet");
    log.tick(date!(2027 - 01 - 04));
    log.tick(date!(2027 - 01 - 05));
    only(&log.rules(), RuleId::CommitmentVerificationOverdue);
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    assert_eq!(alerts.len(), 1, "once per verification");
    assert_eq!(alerts[0].subject, format!("commitment:{NUMBER}"));
    assert_eq!(alerts[0].responsible_department, Some(dept()));
}

#[test]
fn art69_2_a_false_commitment_whose_licence_is_not_revoked_is_alerted_to_the_head() {
    let mut log = granted();
    answered(&mut log, date!(2026 - 12 - 01), Verdict::False);
    // Ten working days after the finding (1 Dec): 15 Dec; alerted the day after.
    log.tick(date!(2026 - 12 - 15));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
    log.tick(date!(2026 - 12 - 16));
    only(&log.rules(), RuleId::CommitmentRevocationMissing);
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    assert!(
        !alerts[0].message_zh.contains("卫生管理制度"),
        "the finding stays private: {}",
        alerts[0].message_zh
    );
}

#[test]
fn art69_2_a_false_commitment_revoked_in_time_raises_nothing() {
    let mut log = granted();
    answered(&mut log, date!(2026 - 12 - 01), Verdict::False);
    log.push(
        at(date!(2026 - 12 - 08), 10),
        "staff:APPROVE",
        licence(LicenceEvent::Revoked {
            reason: "告知承诺不实".into(),
            fraud: true,
            by: StaffId::parse("APPROVE").unwrap(),
            on: date!(2026 - 12 - 08),
            ground: Some(RevocationGround::FalseCommitment),
            compensation: Some(false),
        }),
    );
    log.tick(date!(2027 - 02 - 01));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}
