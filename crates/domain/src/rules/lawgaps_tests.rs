//! Issue #21's remaining gaps in the monitoring rules: an extension that takes effect with the
//! applicant not told (Art. 42), and the start of work under a construction permit (建筑法
//! Art. 9) with its extensions.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON};
use crate::case::testkit::{HEAD, Harness, REVIEWER_A};
use crate::case::{Command, ExtensionAuthority};

fn extended_untold() -> Harness {
    let mut h = Harness::reviewed(MON);
    h.run(
        HEAD,
        MON,
        Command::ApproveExtension {
            authority: ExtensionAuthority::BureauHead,
            working_days: 10,
            reason: "需组织专家论证".into(),
            applicant_notified_on: None,
        },
    );
    h
}

#[test]
fn art42_an_extension_in_effect_with_the_applicant_not_told_raises_extension_notice() {
    let h = extended_untold();
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 30)); // the 20th working day: the original limit still runs
    assert!(!log.rules().contains(&RuleId::ExtensionNotice));
    log.tick(date!(2026 - 12 - 01)); // the extension is in effect, the applicant not told
    assert_eq!(
        log.rules(),
        BTreeSet::from([RuleId::YellowCard, RuleId::ExtensionNotice])
    );
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    let alert = alerts
        .iter()
        .find(|a| a.rule == RuleId::ExtensionNotice)
        .unwrap();
    assert!(alert.message_zh.contains("2026-11-30"), "{alert:?}");
}

#[test]
fn art42_an_extension_told_after_the_approval_but_in_time_raises_nothing() {
    let mut h = extended_untold();
    h.run(REVIEWER_A, date!(2026 - 11 - 10), Command::NotifyExtension);
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 12 - 01));
    assert_eq!(log.rules(), BTreeSet::from([RuleId::YellowCard]));
}

fn permit_log(start: Option<crate::licence::LicenceEvent>) -> Log {
    use crate::licence::LicenceEvent;
    let mut log = Log::new();
    let mut events = vec![LicenceEvent::Issued {
        licence_id: "L9".into(),
        case_number: "C9".into(),
        item_code: "990100011000".into(),
        item_name: "建筑工程施工许可".into(),
        holder: "某建设公司".into(),
        valid_from: MON,
        valid_until: date!(2031 - 11 - 02),
        renewal_lead_days: None,
        scope: None,
        address: None,
        start_by: Some(date!(2027 - 02 - 02)),
    }];
    events.extend(start);
    for (i, e) in events.into_iter().enumerate() {
        let day = if i == 0 { MON } else { date!(2027 - 01 - 20) };
        log.push(
            super::tests::at(day, 10),
            "staff:APPROVE",
            crate::event::Event::Licence {
                licence_id: "L9".into(),
                event: Box::new(e),
            },
        );
    }
    log
}

#[test]
fn construction_law_art9_a_permit_not_started_by_its_deadline_raises_start_deadline() {
    let mut log = permit_log(None);
    log.tick(date!(2027 - 02 - 02));
    assert!(log.rules().is_empty());
    log.tick(date!(2027 - 02 - 03));
    assert_eq!(log.rules(), BTreeSet::from([RuleId::StartDeadline]));
}

#[test]
fn construction_law_art9_a_start_or_a_request_in_time_raises_nothing() {
    use crate::licence::LicenceEvent;
    let by = crate::org::StaffId::parse("APPROVE").unwrap();
    for e in [
        LicenceEvent::WorkStarted {
            started_on: date!(2027 - 01 - 18),
            by_holder: true,
            by: by.clone(),
            on: date!(2027 - 01 - 20),
        },
        LicenceEvent::StartExtensionRequested {
            by: by.clone(),
            on: date!(2027 - 01 - 20),
        },
    ] {
        let mut log = permit_log(Some(e));
        log.tick(date!(2027 - 03 - 01));
        assert!(
            !log.rules().contains(&RuleId::StartDeadline),
            "{:?}",
            log.rules()
        );
    }
}

fn permit_log_with(events: Vec<crate::licence::LicenceEvent>) -> Log {
    let mut log = permit_log(None);
    for e in events {
        let day = match &e {
            crate::licence::LicenceEvent::StartExtensionRequested { on, .. }
            | crate::licence::LicenceEvent::StartExtensionGranted { on, .. }
            | crate::licence::LicenceEvent::StartExtensionRefused { on, .. } => *on,
            _ => MON,
        };
        log.push(
            super::tests::at(day, 10),
            "staff:APPROVE",
            crate::event::Event::Licence {
                licence_id: "L9".into(),
                event: Box::new(e),
            },
        );
    }
    log
}

#[test]
fn construction_law_art9_the_rule_reads_the_extended_deadline() {
    use crate::licence::LicenceEvent;
    let by = crate::org::StaffId::parse("APPROVE").unwrap();
    let mut log = permit_log_with(vec![
        LicenceEvent::StartExtensionRequested {
            by: by.clone(),
            on: date!(2027 - 01 - 20),
        },
        LicenceEvent::StartExtensionGranted {
            start_by: date!(2027 - 05 - 02),
            by: by.clone(),
            on: date!(2027 - 01 - 25),
        },
    ]);
    // Past the first deadline, within the extended one: nothing.
    log.tick(date!(2027 - 03 - 01));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
    log.tick(date!(2027 - 05 - 03));
    assert_eq!(log.rules(), BTreeSet::from([RuleId::StartDeadline]));
    let alerts = super::evaluate(crate::case::testkit::cal(), &log.items);
    assert!(
        alerts
            .iter()
            .any(|a| a.message_zh.contains("2027-05-02") && a.message_zh.contains("延期1次")),
        "{alerts:?}"
    );
}

#[test]
fn construction_law_art9_a_refusal_leaves_the_first_deadline_and_the_permit_lapses() {
    use crate::licence::LicenceEvent;
    let by = crate::org::StaffId::parse("APPROVE").unwrap();
    let mut log = permit_log_with(vec![
        LicenceEvent::StartExtensionRequested {
            by: by.clone(),
            on: date!(2027 - 01 - 20),
        },
        LicenceEvent::StartExtensionRefused {
            reasons: "理由不成立".into(),
            by: by.clone(),
            on: date!(2027 - 01 - 25),
        },
    ]);
    log.tick(date!(2027 - 02 - 03));
    assert_eq!(log.rules(), BTreeSet::from([RuleId::StartDeadline]));
}

#[test]
fn construction_law_art9_a_request_left_undecided_past_the_bureau_limit_raises_a_card() {
    use crate::licence::LicenceEvent;
    let by = crate::org::StaffId::parse("APPROVE").unwrap();
    let mut log = permit_log_with(vec![LicenceEvent::StartExtensionRequested {
        by: by.clone(),
        on: date!(2027 - 01 - 20),
    }]);
    // Ten working days after Wednesday 20 January 2027: Wednesday 3 February.
    log.tick(date!(2027 - 02 - 03));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
    log.tick(date!(2027 - 02 - 04));
    assert_eq!(
        log.rules(),
        BTreeSet::from([RuleId::StartExtensionUndecided])
    );
    // Decided in time: no card.
    let mut decided = permit_log_with(vec![
        LicenceEvent::StartExtensionRequested {
            by: by.clone(),
            on: date!(2027 - 01 - 20),
        },
        LicenceEvent::StartExtensionGranted {
            start_by: date!(2027 - 04 - 02),
            by,
            on: date!(2027 - 02 - 03),
        },
    ]);
    decided.tick(date!(2027 - 02 - 04));
    assert!(decided.rules().is_empty(), "{:?}", decided.rules());
}
