//! Issue #21 item 1: a renewal case linked to its licence is decided like a first application,
//! and Art. 50 deems it granted when the bureau has not decided by the licence's expiry.

#![allow(clippy::unwrap_used)]

use time::macros::date;

use super::testkit::{APPROVER, CLERK, Harness, ctx, intake, item, remedies};
use super::{Case, CaseError, CaseEvent, Command, Decision, Refusal};
use crate::licence::{LicenceLink, LicencePurpose};
use crate::org::Role;

const MON: time::Date = date!(2026 - 11 - 02);

fn link(purpose: LicencePurpose) -> LicenceLink {
    LicenceLink {
        licence_id: "L1".into(),
        purpose,
        expires_on: date!(2026 - 11 - 30),
        renew_until: Some(date!(2031 - 11 - 30)),
        change: None,
    }
}

fn reviewed_renewal(purpose: LicencePurpose) -> Harness {
    let mut h = Harness::reviewed(MON);
    if let Some(CaseEvent::Received(r)) = h.events.first_mut() {
        r.licence = Some(link(purpose));
    }
    h
}

fn refuse() -> Command {
    Command::Decide {
        decision: Decision::Refuse(
            Refusal::new(vec!["经营条件已不符合".into()], remedies()).unwrap(),
        ),
    }
}

#[test]
fn art50_a_renewal_case_may_be_refused_before_the_licence_expires() {
    let mut h = reviewed_renewal(LicencePurpose::Renewal);
    assert!(!h.case().renewal_deemed_granted(date!(2026 - 11 - 30)));
    h.run(APPROVER, date!(2026 - 11 - 27), refuse());
    assert!(h.case().decision().is_some());
    assert!(!h.case().renewal_deemed_granted(date!(2026 - 12 - 01)));
}

#[test]
fn art50_a_renewal_undecided_at_expiry_is_deemed_granted_and_cannot_be_refused() {
    let mut h = reviewed_renewal(LicencePurpose::Renewal);
    let after = date!(2026 - 12 - 01);
    assert!(h.case().renewal_deemed_granted(after));
    assert_eq!(
        h.try_run(APPROVER, after, refuse()).unwrap_err(),
        CaseError::RenewalDeemedGranted(date!(2026 - 11 - 30))
    );
    // Granting (confirming what the law deems) is still a decision the bureau may seal.
    h.run(
        APPROVER,
        after,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    // A change is not deemed granted: it may be refused after the expiry date of its link.
    let mut c = reviewed_renewal(LicencePurpose::Change);
    c.run(APPROVER, after, refuse());
}

#[test]
fn a_linked_receipt_keeps_its_link_and_an_old_receipt_reads_without_one() {
    let cal = super::testkit::cal();
    let events = Case::receive_linked(
        intake(MON, item(20, 10, &[]), false),
        link(LicencePurpose::Cancellation),
        &ctx(&cal, CLERK, &[Role::Clerk], MON),
    )
    .unwrap();
    let case = Case::apply(&events).unwrap();
    assert_eq!(
        case.licence_link().map(|l| l.purpose),
        Some(LicencePurpose::Cancellation)
    );
    let mut json = serde_json::to_value(&events[0]).unwrap();
    json.as_object_mut().unwrap().remove("licence");
    let old: CaseEvent = serde_json::from_value(json).unwrap();
    assert!(Case::apply(&[old]).unwrap().licence_link().is_none());
}

#[test]
fn art78_a_refusal_for_false_materials_says_so_and_an_old_refusal_reads_without_it() {
    let r = Refusal::new(vec!["提供虚假材料".into()], remedies()).unwrap();
    let plain = serde_json::to_value(&r).unwrap();
    assert!(
        plain.get("false_materials").is_none(),
        "old bytes unchanged"
    );
    let marked = r.for_false_materials();
    assert!(marked.false_materials());
    let back: Refusal = serde_json::from_value(serde_json::to_value(&marked).unwrap()).unwrap();
    assert!(back.false_materials());
    assert!(
        !serde_json::from_value::<Refusal>(plain)
            .unwrap()
            .false_materials()
    );
}
