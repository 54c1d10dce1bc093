//! Issue #21 in the monitoring rules: the item's own law decides the extension allowance and
//! the notice window, and a deemed acceptance nobody recorded still gets its cards.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use time::macros::date;

use super::model::RuleId;
use super::tests::{Log, MON, only};
use crate::case::testkit::{CLERK, HEAD, Harness, item, notice_items, staff};
use crate::case::{CaseEvent, Command, ExtensionAuthority};
use crate::catalog::{self, Cited, ExtensionAllowance, LegalSettings};

#[test]
fn art32_a_deemed_acceptance_nobody_recorded_still_gets_its_cards() {
    // Received MON, no notice and no acceptance recorded: accepted from receipt (Art. 32(4)).
    let h = Harness::received(MON, item(20, 10, &[]));
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 13)); // 9 of the 10 promised working days
    assert_eq!(
        log.rules(),
        BTreeSet::from([RuleId::NoticeDeadline, RuleId::YellowCard])
    );
    log.tick(date!(2026 - 12 - 01)); // past the 20th working day
    assert!(log.rules().contains(&RuleId::RedCard));
    // Compliant: a notice issued in time stops the acceptance clock, and no card shows.
    let mut noticed = Harness::received(MON, item(20, 10, &[]));
    noticed.run(
        CLERK,
        MON,
        Command::IssueOneTimeNotice {
            items: notice_items(),
        },
    );
    let mut log = Log::new();
    log.case(&noticed.events);
    log.tick(date!(2026 - 12 - 01));
    assert!(log.rules().is_empty(), "{:?}", log.rules());
}

#[test]
fn art42_an_extension_where_the_items_law_allows_none_raises_the_extension_rule() {
    let mut fixed = item(7, 3, &[]);
    fixed.legal = Some(LegalSettings {
        extension: Cited::new(ExtensionAllowance::None, "《中华人民共和国建筑法》第八条"),
        ..LegalSettings::default()
    });
    let mut h = Harness::received(MON, fixed);
    h.run(CLERK, MON, Command::Accept);
    let mut log = Log::new();
    log.case(&h.events);
    assert!(log.rules().is_empty());
    // The command is refused; a recorded one (an import, a tampered history) is still caught.
    h.events.push(CaseEvent::ExtensionApproved {
        approved_by: staff(HEAD),
        authority: ExtensionAuthority::BureauHead,
        working_days: 3,
        reason: "情况复杂".into(),
        on: MON,
        applicant_notified_on: Some(MON),
    });
    let mut log = Log::new();
    log.case(&h.events);
    only(&log.rules(), RuleId::Extension);
    let alert = &super::evaluate(crate::case::testkit::cal(), &log.items)[0];
    assert!(alert.message_zh.contains("建筑法"), "{alert:?}");
}

#[test]
fn art32_the_notice_rule_reads_the_items_shorter_window() {
    let mut short = item(20, 10, &[]);
    short.legal = Some(LegalSettings {
        notice_window: Cited::new(catalog::NoticeWindow::new(2).unwrap(), "某条例第十条"),
        ..LegalSettings::default()
    });
    let h = Harness::received(MON, short);
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 04)); // 2 working days: in time
    assert!(!log.rules().contains(&RuleId::NoticeDeadline));
    log.tick(date!(2026 - 11 - 05)); // the 3rd
    assert!(log.rules().contains(&RuleId::NoticeDeadline));
}
