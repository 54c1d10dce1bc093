//! Issue #21 items 1 and 12 on the licence's side: applications linked to it, the decision's
//! effect, Art. 69 grounds and compensation, Art. 70 grounds, Art. 78–79 bans.

#![allow(clippy::unwrap_used)]

use time::Date;
use time::macros::date;

use super::application::ApplicationRequest;
use super::ban::{Ban, BanArticle};
use super::*;
use crate::catalog::TimeLimit;

fn issued(until: Date, lead: Option<u32>) -> Vec<LicenceEvent> {
    vec![LicenceEvent::Issued {
        licence_id: "L1".into(),
        case_number: "C1".into(),
        item_code: "990100024000".into(),
        item_name: "排污许可".into(),
        holder: "某公司".into(),
        valid_from: date!(2021 - 12 - 31),
        valid_until: until,
        renewal_lead_days: lead,
        scope: None,
        address: None,
        start_by: None,
    }]
}

fn staff() -> StaffId {
    StaffId::parse("APPROVE").unwrap()
}

fn req(purpose: LicencePurpose) -> ApplicationRequest {
    ApplicationRequest {
        purpose,
        holder_matches: true,
        holder_may_cancel: false,
        term: Some(TimeLimit::months(60)),
        change: None,
    }
}

#[test]
fn art50_a_renewal_applied_by_the_items_lead_time_is_linked_and_granted_by_the_items_term() {
    let mut ev = issued(date!(2026 - 12 - 31), Some(60));
    let l = Licence::apply(&ev).unwrap();
    let (link, opened) = l
        .open_application(req(LicencePurpose::Renewal), "C2", date!(2026 - 10 - 30))
        .unwrap();
    assert_eq!(link.renew_until, Some(date!(2031 - 12 - 31)));
    assert_eq!(link.expires_on, date!(2026 - 12 - 31));
    ev.extend(opened);
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.application_case.as_deref(), Some("C2"));
    // A second application waits for the first.
    assert_eq!(
        l.open_application(req(LicencePurpose::Change), "C3", date!(2026 - 11 - 01))
            .unwrap_err(),
        LicenceError::ApplicationPending("C2".into())
    );
    // Nor can staff renew it by hand past the case.
    assert_eq!(
        l.handle(LicenceCommand::Renew, &staff(), date!(2026 - 11 - 02))
            .unwrap_err(),
        LicenceError::ThroughCase
    );
    ev.extend(
        l.decide_application(&link, "C2", true, &staff(), date!(2026 - 11 - 20))
            .unwrap(),
    );
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.valid_until, date!(2031 - 12 - 31));
    assert!(l.application_case.is_none() && l.renewal_applied_on.is_none());
}

#[test]
fn art50_a_renewal_later_than_the_lead_time_or_by_another_than_the_holder_is_refused() {
    let l = Licence::apply(&issued(date!(2026 - 12 - 31), Some(60))).unwrap();
    assert_eq!(
        l.open_application(req(LicencePurpose::Renewal), "C2", date!(2026 - 11 - 15))
            .unwrap_err(),
        LicenceError::RenewalTooLate {
            until: date!(2026 - 12 - 31),
            days: 60
        }
    );
    let mut stranger = req(LicencePurpose::Renewal);
    stranger.holder_matches = false;
    assert_eq!(
        l.open_application(stranger, "C2", date!(2026 - 10 - 01))
            .unwrap_err(),
        LicenceError::NotHolder
    );
    assert_eq!(
        l.open_application(req(LicencePurpose::Renewal), "C2", date!(2027 - 01 - 01))
            .unwrap_err(),
        LicenceError::Expired(date!(2026 - 12 - 31))
    );
    // The old command is answered, not obeyed: renewals are cases.
    assert_eq!(
        l.handle(
            LicenceCommand::ApplyRenewal,
            &staff(),
            date!(2026 - 10 - 01)
        )
        .unwrap_err(),
        LicenceError::ThroughCase
    );
}

#[test]
fn art50_a_refused_renewal_ends_the_licence_at_its_expiry_and_is_never_deemed_granted() {
    let mut ev = issued(date!(2026 - 12 - 31), None);
    let l = Licence::apply(&ev).unwrap();
    let (link, opened) = l
        .open_application(req(LicencePurpose::Renewal), "C2", date!(2026 - 11 - 01))
        .unwrap();
    ev.extend(opened);
    let l = Licence::apply(&ev).unwrap();
    ev.extend(
        l.decide_application(&link, "C2", false, &staff(), date!(2026 - 12 - 10))
            .unwrap(),
    );
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.valid_until, date!(2026 - 12 - 31));
    assert_eq!(l.renewal_refused_on, Some(date!(2026 - 12 - 10)));
    assert!(l.deemed_renewal(date!(2027 - 01 - 01)).is_none());
    assert!(l.expired(date!(2027 - 01 - 01)));
}

#[test]
fn art50_a_renewal_undecided_at_expiry_is_deemed_granted_for_the_items_term() {
    let mut ev = issued(date!(2026 - 12 - 31), None);
    let l = Licence::apply(&ev).unwrap();
    let mut r = req(LicencePurpose::Renewal);
    r.term = Some(TimeLimit::months(36));
    let (link, opened) = l.open_application(r, "C2", date!(2026 - 11 - 01)).unwrap();
    ev.extend(opened);
    let l = Licence::apply(&ev).unwrap();
    assert!(l.deemed_renewal(date!(2026 - 12 - 31)).is_none());
    let deemed = l.deemed_renewal(date!(2027 - 01 - 01)).unwrap();
    assert_eq!(
        deemed,
        LicenceEvent::Renewed {
            until: date!(2029 - 12 - 31),
            deemed: true,
            on: date!(2027 - 01 - 01)
        }
    );
    ev.push(deemed);
    // The late grant of the same case adds nothing: the law granted it already.
    let l = Licence::apply(&ev).unwrap();
    assert!(
        l.decide_application(&link, "C2", true, &staff(), date!(2027 - 01 - 04))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn art70_a_change_and_a_cancellation_on_application_act_only_when_granted() {
    let mut ev = issued(date!(2030 - 12 - 31), None);
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(
        l.open_application(req(LicencePurpose::Change), "C2", date!(2026 - 11 - 01))
            .unwrap_err(),
        LicenceError::NoReason
    );
    let mut change = req(LicencePurpose::Change);
    change.change = Some("法定代表人变更".into());
    let (link, none) = l
        .open_application(change, "C2", date!(2026 - 11 - 01))
        .unwrap();
    assert!(none.is_empty());
    assert!(
        l.decide_application(&link, "C2", false, &staff(), date!(2026 - 11 - 10))
            .unwrap()
            .is_empty()
    );
    ev.extend(
        l.decide_application(&link, "C2", true, &staff(), date!(2026 - 11 - 10))
            .unwrap(),
    );
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.version, 2);
    // Cancellation on application only where the item's law allows it.
    assert_eq!(
        l.open_application(
            req(LicencePurpose::Cancellation),
            "C3",
            date!(2026 - 11 - 11)
        )
        .unwrap_err(),
        LicenceError::PurposeNotAllowed(LicencePurpose::Cancellation)
    );
    let mut cancel = req(LicencePurpose::Cancellation);
    cancel.holder_may_cancel = true;
    let (link, _) = l
        .open_application(cancel, "C3", date!(2026 - 11 - 11))
        .unwrap();
    ev.extend(
        l.decide_application(&link, "C3", true, &staff(), date!(2026 - 11 - 20))
            .unwrap(),
    );
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.status, LicenceStatus::Cancelled);
    // Typed by staff, the holder's application is refused: it is a case.
    let valid = Licence::apply(&issued(date!(2030 - 12 - 31), None)).unwrap();
    assert_eq!(
        valid
            .handle(
                LicenceCommand::Cancel {
                    reason: CancelReason::HolderApplication
                },
                &staff(),
                date!(2026 - 11 - 20)
            )
            .unwrap_err(),
        LicenceError::ThroughCase
    );
}

#[test]
fn art70_every_ground_has_its_words_and_old_grounds_keep_their_codes() {
    for r in CancelReason::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        assert!(!r.name_zh().is_empty());
    }
    let valid = Licence::apply(&issued(date!(2030 - 12 - 31), None)).unwrap();
    for r in [
        CancelReason::LossOfCapacity,
        CancelReason::OtherStatutory,
        CancelReason::ForceMajeure,
    ] {
        assert!(
            valid
                .handle(
                    LicenceCommand::Cancel { reason: r },
                    &staff(),
                    date!(2026 - 11 - 20)
                )
                .is_ok()
        );
    }
}

#[test]
fn art69_compensation_is_owed_under_para_1_when_rights_are_harmed_never_under_para_2() {
    let l = Licence::apply(&issued(date!(2030 - 12 - 31), None)).unwrap();
    let revoke = |ground, fraud, rights_harmed| LicenceCommand::Revoke {
        reason: "经复查".into(),
        fraud,
        ground,
        rights_harmed,
    };
    let on = date!(2026 - 11 - 20);
    let ev = l
        .handle(
            revoke(Some(RevocationGround::BeyondPower), false, true),
            &staff(),
            on,
        )
        .unwrap();
    assert!(matches!(
        ev[0],
        LicenceEvent::Revoked {
            fraud: false,
            compensation: Some(true),
            ground: Some(RevocationGround::BeyondPower),
            ..
        }
    ));
    let ev = l
        .handle(
            revoke(Some(RevocationGround::Bribery), false, true),
            &staff(),
            on,
        )
        .unwrap();
    assert!(matches!(
        ev[0],
        LicenceEvent::Revoked {
            fraud: true,
            compensation: Some(false),
            ..
        }
    ));
    // Violating: a para 1 ground flagged as fraud contradicts itself.
    assert_eq!(
        l.handle(
            revoke(Some(RevocationGround::AbuseOfPower), true, false),
            &staff(),
            on
        )
        .unwrap_err(),
        LicenceError::GroundMismatch
    );
    // An old command (fraud only) reads as para 2's deception.
    let ev = l.handle(revoke(None, true, true), &staff(), on).unwrap();
    assert!(matches!(
        ev[0],
        LicenceEvent::Revoked {
            ground: Some(RevocationGround::Deception),
            compensation: Some(false),
            ..
        }
    ));
    // The public view says the ground and the compensation, never the typed reason.
    let v = ev[0].public_view();
    assert_eq!(v["ground"], "deception");
    assert_eq!(v["compensation"], false);
    assert!(v.get("reason").is_none());
}

#[test]
fn art78_art79_bans_last_one_and_three_years_for_the_same_item_only() {
    let since = date!(2026 - 11 - 20);
    let b78 = Ban::new(BanArticle::Art78, "990100001000", since);
    assert_eq!(b78.until, date!(2027 - 11 - 20));
    assert!(b78.bars("990100001000", date!(2027 - 11 - 19)));
    assert!(!b78.bars("990100001000", date!(2027 - 11 - 20)));
    assert!(!b78.bars("990100002000", date!(2027 - 01 - 01)));
    let b79 = Ban::new(BanArticle::Art79, "990100001000", since);
    assert_eq!(b79.until, date!(2029 - 11 - 20));
    assert!(b79.bars("990100001000", date!(2029 - 11 - 19)));
    assert!(b79.message_zh().contains("2029-11-20"));
}

#[test]
fn old_licence_events_replay_unchanged() {
    let old = r#"[{"kind":"issued","licence_id":"L1","case_number":"C1","item_code":"x","item_name":"x","holder":"h","valid_from":[2026,5],"valid_until":[2026,365]},
        {"kind":"renewal_applied","on":[2026,300]},
        {"kind":"revoked","reason":"r","fraud":true,"by":"APPROVE","on":[2026,310]}]"#;
    let ev: Vec<LicenceEvent> = serde_json::from_str(old).unwrap();
    let l = Licence::apply(&ev).unwrap();
    assert_eq!(l.status, LicenceStatus::Revoked);
    assert!(l.application_case.is_none());
    // And serialize back to the same bytes (no new field appears).
    let again = serde_json::to_string(&ev[1]).unwrap();
    assert_eq!(again, r#"{"kind":"renewal_applied","on":[2026,300]}"#);
}
