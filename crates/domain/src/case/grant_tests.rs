//! Unit tests of a grant's scope and the applicant's address (issue #18 item 4): what the
//! approver grants is recorded in the decision, trimmed and bounded, else the item's default;
//! the address rides in the receipt, and only an organisation's may reach its licence.

use super::refusals::{MON, TUE};
use super::testkit::*;
use super::*;

fn approve(scope: Option<&str>) -> Command {
    Command::Decide {
        decision: Decision::Approve {
            scope: scope.map(str::to_owned),
        },
    }
}

fn decided_scope(events: &[CaseEvent]) -> Option<String> {
    events.iter().find_map(|e| match e {
        CaseEvent::Decided {
            decision: Decision::Approve { scope },
            ..
        } => scope.clone(),
        _ => None,
    })
}

#[test]
fn the_granted_scope_is_recorded_trimmed_in_the_decision() {
    let mut h = Harness::reviewed(MON);
    let events = h.run(
        APPROVER,
        TUE,
        approve(Some("  预包装食品销售；热食类食品制售 ")),
    );
    assert_eq!(
        decided_scope(&events).as_deref(),
        Some("预包装食品销售；热食类食品制售")
    );
    let case = h.case();
    let d = case.decision().unwrap();
    assert_eq!(d.decision.status(), CaseStatus::Approved);
    assert_eq!(
        d.decision.granted_scope(&case.received().item).as_deref(),
        Some("预包装食品销售；热食类食品制售")
    );
    // The scope is private text: the public ledger entry names the outcome only.
    let json = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(json["decision"]["outcome"], "approve");
    assert_eq!(json["decision"]["scope"], "预包装食品销售；热食类食品制售");
}

#[test]
fn no_scope_or_a_blank_one_grants_the_items_default() {
    for scope in [None, Some("   ")] {
        let mut h = Harness::reviewed(MON);
        let events = h.run(APPROVER, TUE, approve(scope));
        assert_eq!(decided_scope(&events), None, "{scope:?}");
        let case = h.case();
        let granted = case
            .decision()
            .unwrap()
            .decision
            .granted_scope(&case.received().item);
        assert_eq!(granted.as_deref(), Some("食品经营许可（按申请事项准予）"));
    }
    let refused = Decision::Refuse(Refusal::new(vec!["不符合条件".into()], remedies()).unwrap());
    assert_eq!(refused.granted_scope(&item(20, 10, &[])), None);
}

#[test]
fn a_scope_over_the_limit_is_refused_and_nothing_is_recorded() {
    let mut h = Harness::reviewed(MON);
    let long = "项".repeat(SCOPE_MAX + 1);
    let err = h.try_run(APPROVER, TUE, approve(Some(&long))).unwrap_err();
    assert_eq!(
        err,
        CaseError::ScopeTooLong {
            max: SCOPE_MAX,
            actual: SCOPE_MAX + 1
        }
    );
    assert_eq!(err.code(), "scope_too_long");
    assert_eq!(err.message_zh(), "许可范围过长：最多500个字，实际501个字");
    assert!(h.case().decision().is_none());
    let exact = "项".repeat(SCOPE_MAX);
    h.run(APPROVER, TUE, approve(Some(&exact)));
}

#[test]
fn a_decision_recorded_before_scopes_reads_back_unchanged() {
    let old = serde_json::json!({"outcome": "approve"});
    let d: Decision = serde_json::from_value(old.clone()).unwrap();
    assert_eq!(d, Decision::APPROVE);
    assert_eq!(serde_json::to_value(&d).unwrap(), old, "the same bytes");
}

#[test]
fn the_address_rides_in_the_receipt_and_only_an_organisations_is_public() {
    let org = Harness::received(MON, item(20, 10, &[])).case();
    assert_eq!(
        org.received().address.as_ref().map(Address::as_str),
        Some("济南市历下区泉城路1号")
    );
    assert_eq!(
        org.received().holder_address(),
        Some("济南市历下区泉城路1号")
    );
    let person = Harness::received_from(MON, item(20, 10, &[]), true).case();
    assert!(person.received().address.is_some());
    assert_eq!(person.received().holder_address(), None);
    // Receipts recorded before addresses existed read back without one.
    let mut json = serde_json::to_value(person.received()).unwrap();
    json.as_object_mut().unwrap().remove("address");
    let back: Received = serde_json::from_value(json).unwrap();
    assert_eq!(back.address, None);
}
