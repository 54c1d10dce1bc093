//! 告知承诺制 (issue #19 item 5): signing, the decision at once, the verification's answer and
//! Art. 69 para 2's ground — each with a compliant and a violating sequence.

#![allow(clippy::unwrap_used)]

use time::Date;
use time::macros::date;

use super::*;
use crate::case::testkit::{APPROVER, CLERK, Harness, at, cal, intake, item};
use crate::case::{Case, CaseError, CaseStatus, Command, OnSpotError};
use crate::catalog::{Cited, LegalSettings};
use crate::licence::RevocationGround;
use crate::org::Role;

const MON: Date = date!(2026 - 03 - 02);
const SOURCE: &str = "《济南市告知承诺制事项清单》第3项";

fn committed_item() -> ItemSnapshot {
    let mut i = item(20, 10, &[]);
    i.legal = Some(LegalSettings {
        commitment: Some(Cited::new(TimeLimit::months(2), SOURCE)),
        ..LegalSettings::default()
    });
    i
}

fn signed_case(on: Date) -> Harness {
    let mut h = Harness::received(on, committed_item());
    sign(&mut h.events).unwrap();
    h
}

fn dept() -> DepartmentCode {
    DepartmentCode::parse("SCJG").unwrap()
}

fn task(due_on: Date) -> Verification {
    Verification::apply(&[CommitmentEvent::Asked(VerificationAsked {
        case_number: "37010020260302000007".into(),
        item_code: "990100001000".into(),
        licence_id: Some("L1".into()),
        push_id: Some("TS1".into()),
        department: Some(dept()),
        text_sha256: "00".repeat(32),
        asked_on: MON,
        due_on,
    })])
    .unwrap()
}

#[test]
fn commitment_is_signed_with_the_items_text_period_and_source() {
    let h = signed_case(MON);
    let c = h.case();
    let signed = c.received().commitment.as_ref().unwrap();
    assert!(signed.text.contains("食品经营许可"), "{}", signed.text);
    assert!(signed.text.contains("2个月"), "{}", signed.text);
    assert!(signed.text.contains("第六十九条"), "{}", signed.text);
    assert_eq!(
        signed.text_sha256,
        Sha256Digest::of(signed.text.as_bytes()).to_string()
    );
    assert_eq!(signed.verify_within, TimeLimit::months(2));
    assert_eq!(signed.source, SOURCE);
    assert_eq!(signed.signed_at, c.received().received_at);
    // Two months after a grant on Wednesday 11 March: Monday 11 May.
    assert_eq!(
        signed.verify_by(&cal(), date!(2026 - 03 - 11)).unwrap(),
        date!(2026 - 05 - 11)
    );
    // The receipt round-trips through the ledger's JSON with the signature.
    let json = serde_json::to_string(&h.events[0]).unwrap();
    let back: CaseEvent = serde_json::from_str(&json).unwrap();
    assert_eq!(back, h.events[0]);
}

#[test]
fn commitment_cannot_be_signed_for_an_item_not_under_the_regime() {
    let cal = cal();
    let mut events = Case::receive(
        intake(MON, item(20, 10, &[]), false),
        &crate::case::testkit::ctx(&cal, CLERK, &[Role::Clerk], MON),
    )
    .unwrap();
    assert_eq!(sign(&mut events), Err(CommitmentError::NotOffered));
    assert_eq!(CommitmentError::NotOffered.code(), "commitment_not_offered");
}

#[test]
fn art34_2_a_signed_commitment_is_decided_at_once_by_one_official() {
    let mut h = signed_case(MON);
    let events = h.run(APPROVER, MON, Command::DecideOnSpot);
    let kinds: Vec<&str> = events.iter().map(CaseEvent::kind).collect();
    assert_eq!(kinds, ["on_the_spot", "accepted", "decided"]);
    assert_eq!(h.case().status(), CaseStatus::Approved);
    match &events[0] {
        CaseEvent::OnTheSpot { source, .. } => assert_eq!(source, SOURCE),
        other => panic!("{other:?}"),
    }
}

#[test]
fn art34_2_without_the_signature_the_same_item_is_not_decided_at_once() {
    let mut h = Harness::received(MON, committed_item());
    let err = h.try_run(APPROVER, MON, Command::DecideOnSpot).unwrap_err();
    assert_eq!(err, CaseError::OnSpot(OnSpotError::NotAllowed));
    let _ = at(MON);
}

#[test]
fn verification_answered_by_the_asked_department_in_time_is_not_late() {
    let v = task(date!(2026 - 05 - 02));
    let e = v
        .answer(
            &dept(),
            Claimant::Token("TK".into()),
            date!(2026 - 04 - 20),
            Verdict::Verified,
            "",
        )
        .unwrap();
    let done = Verification::apply(&[CommitmentEvent::Asked(v.asked.clone()), e.clone()]).unwrap();
    assert!(!done.is_overdue(date!(2026 - 06 - 01)));
    assert_eq!(done.found_false(), None);
    assert!(matches!(e, CommitmentEvent::Answered { late: false, .. }));
    assert_eq!(
        done.answer(
            &dept(),
            Claimant::Token("TK".into()),
            MON,
            Verdict::False,
            "x"
        ),
        Err(CommitmentError::AlreadyAnswered)
    );
}

#[test]
fn verification_refuses_another_department_and_a_false_finding_without_text() {
    let v = task(date!(2026 - 05 - 02));
    let other = DepartmentCode::parse("WJW").unwrap();
    assert_eq!(
        v.answer(
            &other,
            Claimant::Token("T".into()),
            MON,
            Verdict::Verified,
            ""
        ),
        Err(CommitmentError::WrongDepartment)
    );
    assert_eq!(
        v.answer(
            &dept(),
            Claimant::Token("T".into()),
            MON,
            Verdict::False,
            "  "
        ),
        Err(CommitmentError::FindingMissing)
    );
    let long = "查".repeat(MAX_FINDING_CHARS + 1);
    assert_eq!(
        v.answer(
            &dept(),
            Claimant::Token("T".into()),
            MON,
            Verdict::False,
            &long
        ),
        Err(CommitmentError::FindingTooLong)
    );
    assert!(v.is_overdue(date!(2026 - 05 - 03)));
    assert!(!v.is_overdue(date!(2026 - 05 - 02)));
}

#[test]
fn art69_2_a_false_commitment_is_found_and_its_finding_stays_private() {
    let v = task(date!(2026 - 05 - 02));
    let e = v
        .answer(
            &dept(),
            Claimant::Token("T".into()),
            date!(2026 - 05 - 06),
            Verdict::False,
            "现场无经营场所，张三承认未设卫生管理制度",
        )
        .unwrap();
    assert!(matches!(e, CommitmentEvent::Answered { late: true, .. }));
    let public = e.public_view().to_string();
    assert!(!public.contains("张三"), "{public}");
    assert!(public.contains("\"verdict\":\"false\""), "{public}");
    let done = Verification::apply(&[CommitmentEvent::Asked(v.asked.clone()), e]).unwrap();
    assert_eq!(done.found_false(), Some(date!(2026 - 05 - 06)));
    // Para 2: a licence obtained by a false commitment is revoked without compensation.
    let g = RevocationGround::FalseCommitment;
    assert!(g.is_fraud());
    assert!(!g.compensation_owed(true));
    assert_eq!(RevocationGround::parse("false_commitment"), Some(g));
    assert!(g.name_zh().contains("第六十九条第二款"));
}

#[test]
fn a_task_asked_while_the_licence_was_held_names_it_once_issued_and_only_once() {
    let mut asked = task(date!(2026 - 05 - 11)).asked;
    asked.licence_id = None;
    let mut events = vec![CommitmentEvent::Asked(asked)];
    let held = Verification::apply(&events).unwrap();
    let named = held.licence_issued("L9", date!(2026 - 03 - 20)).unwrap();
    assert_eq!(named.kind(), "licence_issued");
    assert_eq!(named.public_view()["licence_id"], "L9");
    events.push(named.clone());
    let v = Verification::apply(&events).unwrap();
    assert_eq!(v.asked.licence_id.as_deref(), Some("L9"));
    assert_eq!(
        v.asked.due_on,
        date!(2026 - 05 - 11),
        "the period runs from the grant"
    );
    // Named already: no second event, and a history naming it twice does not fold.
    assert!(v.licence_issued("L10", MON).is_none());
    assert!(task(MON).licence_issued("L9", MON).is_none());
    events.push(named);
    assert_eq!(
        Verification::apply(&events),
        Err(CommitmentError::LicenceAlreadyNamed)
    );
    // The event round-trips through the ledger's JSON.
    let json = serde_json::to_string(&events[1]).unwrap();
    assert_eq!(
        serde_json::from_str::<CommitmentEvent>(&json).unwrap(),
        events[1]
    );
}
