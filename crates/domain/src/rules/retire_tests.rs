//! Retiring finished work changes no alert (`rules::retire`): random histories of several cases
//! (the case lifecycle's own generator, `case::proptests`), with the pushes, consultations and
//! sealed decisions around them and a tick every day, fold to the same alerts in an engine that
//! retires and one that keeps everything, and a snapshot taken anywhere continues to them.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use super::engine::{Engine, LogItem};
use super::model::{Alert, RuleId, RuleParams, RuleVersion};
use super::tests::{Log, MON, at};
use crate::case::proptests::{Step, run, step};
use crate::case::testkit::{APPROVER, HEAD, Harness, cal, item};
use crate::case::{CaseEvent, CaseNumber, Command, Decision, DeliveryMethod};
use crate::consultation::{ConsultationAsked, ConsultationEvent, Opinion};
use crate::event::Event;
use crate::linkage::{Claimant, PushCreated, PushEvent, PushKind};
use crate::org::{DepartmentCode, Role, StaffId};

fn number(k: usize) -> CaseNumber {
    CaseNumber::parse(&format!("37010020260302{:06}", k + 1)).unwrap()
}

/// One generated case's entries around its steps: (date, hour, actor, event).
type Entry = (Date, u8, String, Event);

fn dept() -> DepartmentCode {
    DepartmentCode::parse("SCJG").unwrap()
}

/// The entries of case `k`: its steps (renumbered), a consultation asked the day after receipt
/// (answered when `answer`), and on a decision its sealing (by the approver when `honest`) and
/// a push (claimed when `answer`).
fn entries(k: usize, events: &[CaseEvent], answer: bool, honest: bool) -> Vec<Entry> {
    let n = number(k);
    let mut out = Vec::new();
    let start = date!(2026 - 03 - 02);
    let cid = format!("ZX{k}");
    let consult = |e: ConsultationEvent| Event::Consultation {
        consultation_id: cid.clone(),
        event: Box::new(e),
    };
    out.push((
        start + Duration::days(1),
        11,
        "staff:REV-1".to_owned(),
        consult(ConsultationEvent::Asked(ConsultationAsked {
            consultation_id: cid.clone(),
            case_number: n.to_string(),
            item_code: "990100001000".into(),
            department: dept(),
            question: "请现场核查".into(),
            asked_by: StaffId::parse("REV-1").unwrap(),
            asked_on: start + Duration::days(1),
            due_working_days: 3,
            due_on: start + Duration::days(4),
            escalate_on: start + Duration::days(8),
        })),
    ));
    if answer {
        out.push((
            start + Duration::days(6),
            15,
            "department:SCJG".to_owned(),
            consult(ConsultationEvent::Answered {
                department: dept(),
                by: Claimant::Token("TK1".into()),
                on: start + Duration::days(6),
                opinion: Opinion::Agree,
                text: String::new(),
                attachments: vec![],
                late: true,
            }),
        ));
    }
    for e in events {
        let mut e = e.clone();
        if let CaseEvent::Received(r) = &mut e {
            r.case_number = n.clone();
        }
        let (on, hour) = match &e {
            CaseEvent::Decided { decided_at, .. } => (e.date(), decided_at.hour()),
            _ => (e.date(), 10),
        };
        let approver = match &e {
            CaseEvent::Decided { approver, .. } => Some(approver.clone()),
            _ => None,
        };
        out.push((
            on,
            hour,
            "staff:X".to_owned(),
            Event::Case {
                case_number: n.clone(),
                event: Box::new(e),
            },
        ));
        let Some(approver) = approver else { continue };
        out.push((
            on,
            hour,
            format!("staff:{approver}"),
            Event::DocumentSealed {
                case_number: n.clone(),
                document_kind: "decision".into(),
                es_id: "ES1".into(),
                document_sm3: String::new(),
                signature_sm3: String::new(),
                signer: if honest {
                    approver
                } else {
                    StaffId::parse("REV-9").unwrap()
                },
                document: String::new(),
                signature_der: String::new(),
            },
        ));
        let pid = format!("TS{k}");
        let push = |e: PushEvent| Event::Push {
            push_id: pid.clone(),
            event: Box::new(e),
        };
        out.push((
            on,
            hour,
            "system:linkage".to_owned(),
            push(PushEvent::Created(PushCreated {
                push_id: pid.clone(),
                kind: PushKind::Approval,
                case_number: n.to_string(),
                licence_id: None,
                item_code: "990100001000".into(),
                item_name: "食品经营许可".into(),
                department: Some(dept()),
                responsible: Some(StaffId::parse("SCJG-1").unwrap()),
                pushed_on: on,
                claim_due: Some(on + Duration::days(3)),
                escalate_on: Some(on + Duration::days(6)),
            })),
        ));
        if answer {
            out.push((
                on + Duration::days(2),
                16,
                "staff:SCJG-1".to_owned(),
                push(PushEvent::Claimed {
                    department: dept(),
                    by: Claimant::Staff(StaffId::parse("SCJG-1").unwrap()),
                    on: on + Duration::days(2),
                    late: false,
                }),
            ));
        }
    }
    out
}

/// A log of every rule in force, the given cases' entries in time order and a tick each day.
fn log_of(cases: &[(Vec<CaseEvent>, bool, bool)]) -> Vec<LogItem> {
    let mut all: Vec<Entry> = Vec::new();
    for (k, (events, answer, honest)) in cases.iter().enumerate() {
        all.extend(entries(k, events, *answer, *honest));
    }
    let last = all.iter().map(|e| e.0).max().unwrap_or(MON);
    let mut day = date!(2026 - 03 - 02);
    while day <= last + Duration::days(40) {
        all.push((day, 0, "system:rules".into(), Event::RulesTick { on: day }));
        day += Duration::days(1);
    }
    // Stable: a case's own steps keep their order within an hour.
    all.sort_by_key(|e| (e.0, e.1));
    // Every rule in force and a bureau head, before the first case.
    let eve = date!(2026 - 03 - 01);
    let mut head: Vec<Entry> = RuleId::ALL
        .iter()
        .map(|rule| {
            let version = RuleVersion {
                rule: *rule,
                version: 1,
                params: RuleParams::default(),
                active: true,
            };
            (
                eve,
                8,
                "system:rules".to_owned(),
                Event::RuleVersionRecorded { version },
            )
        })
        .collect();
    head.push((
        eve,
        8,
        "system:seed".to_owned(),
        Event::StaffRolesChanged {
            staff: StaffId::parse(HEAD).unwrap(),
            roles: vec![Role::BureauHead],
        },
    ));
    head.into_iter()
        .chain(all)
        .enumerate()
        .map(|(index, (on, hour, actor, event))| LogItem {
            index: index as u64,
            time: at(on, hour),
            actor,
            event,
        })
        .collect()
}

fn fold(mut e: Engine, items: &[LogItem]) -> Engine {
    for item in items {
        e.feed(item);
    }
    e
}

fn snapshot(e: &Engine) -> Vec<u8> {
    let mut out = Vec::new();
    e.write_snapshot(&mut out).unwrap();
    out
}

fn alerts_both_ways(items: &[LogItem]) -> (Vec<Alert>, Engine) {
    let kept = fold(Engine::keeping_history(cal()), items);
    let retiring = fold(Engine::new(cal()), items);
    assert_eq!(retiring.alerts(), kept.alerts());
    (kept.alerts().to_vec(), retiring)
}

fn case_strategy() -> impl Strategy<Value = (Vec<Step>, bool, bool, bool)> {
    (
        prop::collection::vec(step(), 0..30),
        prop::bool::weighted(0.2),
        any::<bool>(),
        prop::bool::weighted(0.8),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn retiring_finished_work_raises_exactly_the_alerts_of_keeping_everything(
        cases in prop::collection::vec(case_strategy(), 1..5),
        cut in 0.0..1.0_f64,
    ) {
        let mut histories = Vec::new();
        for (steps, joint, answer, honest) in &cases {
            let (events, _) = run(steps, *joint)?;
            histories.push((events, *answer, *honest));
        }
        let items = log_of(&histories);
        let (whole, _) = alerts_both_ways(&items);
        // Cut anywhere, written out and read back, the retiring engine goes on to the same.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let at = ((items.len() as f64) * cut) as usize;
        let before = fold(Engine::new(cal()), &items[..at]);
        let back = Engine::from_snapshot(&snapshot(&before)).unwrap();
        let after = fold(back, &items[at..]);
        prop_assert_eq!(after.alerts(), &whole[..]);
    }
}

/// A granted and delivered case, its decision sealed by `signer` after its delivery.
fn delivered_then_sealed(signer: &str) -> Vec<LogItem> {
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        MON,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    h.run(
        crate::case::testkit::CLERK,
        date!(2026 - 11 - 03),
        Command::Deliver {
            method: DeliveryMethod::Window,
        },
    );
    let mut log = Log::new();
    log.case(&h.events);
    let Some(CaseEvent::Received(r)) = h.events.first() else {
        panic!("no receipt");
    };
    log.push(
        at(date!(2026 - 11 - 04), 10),
        &format!("staff:{signer}"),
        Event::DocumentSealed {
            case_number: r.case_number.clone(),
            document_kind: "decision".into(),
            es_id: "ES1".into(),
            document_sm3: String::new(),
            signature_sm3: String::new(),
            signer: StaffId::parse(signer).unwrap(),
            document: String::new(),
            signature_der: String::new(),
        },
    );
    log.tick(date!(2026 - 12 - 30));
    log.items
}

#[test]
fn a_delivered_case_is_retired_and_still_answers_for_its_seal() {
    for (signer, mismatch) in [(APPROVER, false), ("REV-9", true)] {
        let items = delivered_then_sealed(signer);
        let (alerts, retiring) = alerts_both_ways(&items);
        assert_eq!(retiring.tracked(), (0, 1), "the delivered case is retired");
        assert_eq!(
            alerts.iter().any(|a| a.rule == RuleId::SealMismatch),
            mismatch,
            "{alerts:?}"
        );
        let kept = fold(Engine::keeping_history(cal()), &items);
        assert_eq!(kept.tracked(), (1, 0));
        assert!(snapshot(&retiring).len() < snapshot(&kept).len());
    }
}

#[test]
fn an_open_case_stays_whole() {
    let h = Harness::received(MON, item(20, 10, &[]));
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 20));
    let (alerts, retiring) = alerts_both_ways(&log.items);
    assert_eq!(retiring.tracked(), (1, 0));
    assert!(alerts.iter().any(|a| a.rule == RuleId::NoticeDeadline));
}

#[test]
fn a_snapshot_of_the_previous_layout_is_refused() {
    let mut e = Engine::new(cal());
    e.feed(&LogItem {
        index: 0,
        time: at(MON, 8),
        actor: "system:rules".into(),
        event: Event::RuleVersionRecorded {
            version: RuleVersion {
                rule: RuleId::RedCard,
                version: 1,
                params: RuleParams::default(),
                active: true,
            },
        },
    });
    let text = String::from_utf8(snapshot(&e)).unwrap();
    let old = text.replacen("{\"format\":2,", "{\"format\":1,", 1);
    assert_ne!(old, text);
    assert!(matches!(
        Engine::from_snapshot(old.as_bytes()),
        Err(super::SnapshotError::Format(1))
    ));
}
