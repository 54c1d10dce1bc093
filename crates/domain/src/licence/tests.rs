use super::*;
use time::macros::date;

#[test]
fn art40_the_register_view_writes_dates_as_people_read_them() {
    let events = issued(date!(2031 - 12 - 06));
    let v = events[0].register_view();
    assert_eq!(v["valid_until"], "2031-12-06");
    assert!(v["valid_from"].as_str().is_some(), "{v}");
    // The public view (hashed into the ledger) keeps its bytes.
    assert!(events[0].public_view()["valid_until"].is_array());
    let l = Licence::apply(&events).unwrap();
    assert_eq!(
        serde_json::to_value(&l).unwrap()["valid_until"],
        "2031-12-06"
    );
}

#[test]
fn a_licence_term_from_the_items_law_sets_its_validity() {
    use crate::catalog::TimeLimit;
    let from = date!(2026 - 03 - 31);
    assert_eq!(valid_until(from, None), date!(2031 - 03 - 31));
    assert_eq!(
        valid_until(from, Some(TimeLimit::months(60))),
        date!(2031 - 03 - 31)
    );
    assert_eq!(
        valid_until(from, Some(TimeLimit::months(11))),
        date!(2027 - 02 - 28)
    );
    assert_eq!(
        valid_until(from, Some(TimeLimit::days(30))),
        date!(2026 - 04 - 30)
    );
}

fn issued(until: Date) -> Vec<LicenceEvent> {
    vec![LicenceEvent::Issued {
        licence_id: "L1".into(),
        case_number: "C1".into(),
        item_code: "990100001000".into(),
        item_name: "食品经营许可".into(),
        holder: "某公司".into(),
        valid_from: date!(2026 - 01 - 05),
        valid_until: until,
        renewal_lead_days: None,
        scope: Some("预包装食品销售".into()),
        address: None,
        start_by: None,
    }]
}

fn staff() -> StaffId {
    StaffId::parse("APPROVE").unwrap()
}

#[test]
fn the_public_view_holds_no_typed_text() {
    let by = StaffId::parse("APPROVER").unwrap();
    let on = time::macros::date!(2026 - 11 - 30);
    let secret = "张三 13812345678";
    for e in [
        LicenceEvent::Changed {
            what: secret.into(),
            by: by.clone(),
            on,
        },
        LicenceEvent::Withdrawn {
            reason: secret.into(),
            by: by.clone(),
            on,
        },
        LicenceEvent::Revoked {
            reason: secret.into(),
            fraud: true,
            by: by.clone(),
            on,
            ground: None,
            compensation: None,
        },
        LicenceEvent::PenaltyRevoked {
            department: DepartmentCode::parse("FG").unwrap(),
            decision_ref: secret.into(),
            on,
        },
    ] {
        let v = e.public_view();
        assert!(!v.to_string().contains("13812345678"), "{v}");
        assert!(v["kind"].is_string() && !v["on"].is_null(), "{v}");
    }
    let v = LicenceEvent::Cancelled {
        reason: CancelReason::Expired,
        by: None,
        on,
    }
    .public_view();
    assert_eq!(v["reason"], "expired");
}

#[test]
fn the_scope_and_address_reach_the_licence_but_not_the_public_ledger_entry() {
    let mut events = issued(date!(2031 - 01 - 04));
    if let Some(LicenceEvent::Issued { address, .. }) = events.first_mut() {
        *address = Some("济南市历下区泉城路1号".into());
    }
    let l = Licence::apply(&events).unwrap();
    assert_eq!(l.scope.as_deref(), Some("预包装食品销售"));
    assert_eq!(l.address.as_deref(), Some("济南市历下区泉城路1号"));
    let json = serde_json::to_value(&l).unwrap();
    assert_eq!(json["scope"], "预包装食品销售");
    let entry = events[0].public_view().to_string();
    assert!(
        !entry.contains("预包装") && !entry.contains("泉城路"),
        "{entry}"
    );
    // A licence issued before issue #18 item 4 reads as before.
    let old: LicenceEvent = serde_json::from_value(serde_json::json!({
        "kind": "issued", "licence_id": "L0", "case_number": "C0", "item_code": "990100001000",
        "item_name": "食品经营许可", "holder": "某公司", "valid_from": [2026, 5], "valid_until": [2031, 4],
    }))
    .unwrap();
    let l = Licence::apply(&[old]).unwrap();
    assert_eq!((l.scope, l.address), (None, None));
    assert!(serde_json::to_value(&events[0]).unwrap()["scope"].is_string());
}

#[test]
fn a_penalised_licence_can_only_be_cancelled_for_that_reason_and_then_never_again() {
    let mut ev = issued(date!(2030 - 01 - 01));
    let l = Licence::apply(&ev).unwrap();
    ev.push(
        l.penalise(
            DepartmentCode::parse("SCJG").unwrap(),
            "济市监罚〔2026〕1号".into(),
            date!(2026 - 06 - 01),
        )
        .unwrap(),
    );
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.status, LicenceStatus::PenaltyRevoked);
    assert_eq!(
        l.handle(
            LicenceCommand::Change { what: "x".into() },
            &staff(),
            date!(2026 - 06 - 02)
        )
        .unwrap_err()
        .code(),
        "licence_not_valid"
    );
    assert!(
        l.handle(
            LicenceCommand::Cancel {
                reason: CancelReason::HolderDied
            },
            &staff(),
            date!(2026 - 06 - 02)
        )
        .is_err()
    );
    ev.extend(
        l.handle(
            LicenceCommand::Cancel {
                reason: CancelReason::WithdrawnRevokedOrPenalised,
            },
            &staff(),
            date!(2026 - 06 - 02),
        )
        .unwrap(),
    );
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.status, LicenceStatus::Cancelled);
    assert_eq!(
        l.handle(
            LicenceCommand::Cancel {
                reason: CancelReason::ForceMajeure
            },
            &staff(),
            date!(2026 - 06 - 03)
        )
        .unwrap_err(),
        LicenceError::Cancelled
    );
}

#[test]
fn changes_count_versions_and_need_a_description() {
    let mut ev = issued(date!(2030 - 01 - 01));
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(
        l.handle(
            LicenceCommand::Change { what: " ".into() },
            &staff(),
            date!(2026 - 02 - 01)
        )
        .unwrap_err(),
        LicenceError::NoReason
    );
    ev.extend(
        l.handle(
            LicenceCommand::Change {
                what: "经营场所变更".into(),
            },
            &staff(),
            date!(2026 - 02 - 01),
        )
        .unwrap(),
    );
    assert_eq!(Licence::apply(&ev).unwrap().version, 2);
}

#[test]
fn a_valid_licence_is_cancelled_as_expired_only_after_expiry() {
    let l = Licence::apply(&issued(date!(2026 - 12 - 31))).unwrap();
    assert!(
        l.handle(
            LicenceCommand::Cancel {
                reason: CancelReason::Expired
            },
            &staff(),
            date!(2026 - 12 - 31)
        )
        .is_err()
    );
    assert!(
        l.handle(
            LicenceCommand::Cancel {
                reason: CancelReason::Expired
            },
            &staff(),
            date!(2027 - 01 - 01)
        )
        .is_ok()
    );
}

#[test]
fn years_are_added_calendar_wise_even_from_29_february() {
    assert_eq!(add_years(date!(2028 - 02 - 29), 1), date!(2029 - 02 - 28));
    assert_eq!(add_years(date!(2026 - 03 - 01), 5), date!(2031 - 03 - 01));
}
