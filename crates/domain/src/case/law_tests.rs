//! Issue #21: the Licensing Law item by item. Each test names the article it checks and runs a
//! compliant and a violating sequence; the items come from the embedded catalog of real items,
//! so the tests also check the legal settings it ships.
//!
//! Dates: received and accepted on Monday 2026-03-02 unless a test says otherwise (no holiday
//! before April).

use time::Date;
use time::macros::date;

use crate::catalog::{self, Cited, ExcludedCap, NoticeWindow, SpecialProcedureKind};
use crate::org::Role;

use super::testkit::*;
use super::*;

const MON: Date = date!(2026 - 03 - 02);
const TUE: Date = date!(2026 - 03 - 03);
const WED: Date = date!(2026 - 03 - 04);

/// The real catalog item named `name`, as a case received now pins it.
pub(super) fn real(name: &str, joint: bool) -> ItemSnapshot {
    let items = catalog::real_items().unwrap();
    let item = items.iter().find(|i| i.name == name).unwrap();
    ItemSnapshot::from_item(item, joint)
}

fn extension(authority: ExtensionAuthority, working_days: u32, notified: Date) -> Command {
    Command::ApproveExtension {
        authority,
        working_days,
        reason: "情况复杂".into(),
        applicant_notified_on: Some(notified),
    }
}

fn head(working_days: u32) -> Command {
    extension(ExtensionAuthority::BureauHead, working_days, TUE)
}

fn accepted(item: ItemSnapshot, on: Date) -> Harness {
    let mut h = Harness::received(on, item);
    h.run(CLERK, on, Command::Accept);
    h
}

fn start(procedure: SpecialProcedureKind) -> Command {
    Command::StartSpecialProcedure {
        procedure,
        notice_reference: "济审特〔2026〕2号".into(),
    }
}

fn offered(h: &Harness, who: &str, roles: &[Role], day: Date) -> Vec<AllowedAction> {
    let p = crate::access::Principal {
        staff: Some(staff(who)),
        token: None,
        jurisdiction: crate::org::DivisionCode::parse("370100").unwrap(),
        department: crate::org::DepartmentCode::parse("SPJ").unwrap(),
        roles: roles.to_vec(),
        scopes: None,
    };
    allowed_actions(&h.case(), &p, at(day), &h.cal)
}

// ---- Art. 42: extensions follow the item's law ----

#[test]
fn art42_extension_refused_for_construction_permit() {
    let mut h = accepted(real("建筑工程施工许可", false), MON);
    let err = h.try_run(HEAD, TUE, head(1)).unwrap_err();
    let CaseError::ExtensionNotAllowed { provision } = &err else {
        panic!("{err:?}");
    };
    assert!(provision.contains("建筑法"), "{provision}");
    assert!(err.message_zh().contains("不得批准延期"));
    // Nor is it offered to the head.
    assert!(offered(&h, HEAD, &[Role::BureauHead], TUE).is_empty());
    // Compliant: a general item (食品经营许可) allows the head's 10 working days.
    let mut food = accepted(real("食品经营许可", false), MON);
    food.run(HEAD, TUE, head(10));
    assert_eq!(food.case().extension_working_days(), 10);
}

#[test]
fn art42_construction_permit_counts_its_seven_days_from_receipt() {
    // 建筑法 Art. 8: seven days from receipt (收到), even when acceptance came later.
    let mut h = Harness::received(MON, real("建筑工程施工许可", false));
    h.run(CLERK, WED, Command::Accept);
    let clock = h.case().clock(&h.cal, WED).unwrap();
    let decision = clock.decision.unwrap();
    assert_eq!(decision.accepted_on, WED);
    assert_eq!(decision.starts_on, MON);
    assert_eq!(decision.statutory.due, date!(2026 - 03 - 09));
    // A general item received the same day counts from the acceptance.
    let mut food = Harness::received(MON, real("食品经营许可", false));
    food.run(CLERK, WED, Command::Accept);
    let d = food.case().clock(&food.cal, WED).unwrap().decision.unwrap();
    assert_eq!(d.starts_on, WED);
}

#[test]
fn art42_project_approval_allows_up_to_forty_working_days() {
    // 企业投资项目核准和备案管理条例 Art. 10.
    let mut h = accepted(real("企业投资项目核准", false), MON);
    let err = h.try_run(HEAD, TUE, head(41)).unwrap_err();
    assert_eq!(
        err,
        CaseError::ExtensionExceedsAllowance {
            requested: 41,
            used: 0,
            allowed: 40
        }
    );
    h.run(HEAD, TUE, head(40));
    assert_eq!(h.case().extension_working_days(), 40);
    let Some(AllowedAction::Extend { .. }) = offered(&h, HEAD, &[Role::BureauHead], TUE).first()
    else {
        // All 40 used: nothing more to offer.
        return;
    };
    panic!("an exhausted allowance is still offered");
}

#[test]
fn art42_joint_handling_has_45_working_days_plus_15_from_the_government_head() {
    let mut h = accepted(real("食品经营许可", true), MON);
    let d = h.case().clock(&h.cal, MON).unwrap().decision.unwrap();
    // 45 working days after Monday 2 March 2026 (Qingming 4–6 April, Labour Day 1–5 May).
    assert_eq!(
        h.cal
            .working_days_between(MON, d.statutory.due, &[])
            .unwrap(),
        45
    );
    // The bureau head may not extend a joint case; the government head 15, not 16.
    assert_eq!(
        h.try_run(HEAD, TUE, head(1)).unwrap_err().code(),
        "extension_wrong_authority"
    );
    let government = |days| {
        extension(
            ExtensionAuthority::GovernmentHead {
                approval_reference: "济政字〔2026〕5号".into(),
            },
            days,
            TUE,
        )
    };
    assert_eq!(
        h.try_run(HEAD, TUE, government(16)).unwrap_err().code(),
        "extension_exceeds_allowance"
    );
    h.run(HEAD, TUE, government(15));
    let after = h.case().clock(&h.cal, TUE).unwrap().decision.unwrap();
    assert_eq!(
        h.cal
            .working_days_between(MON, after.statutory.due, &[])
            .unwrap(),
        60
    );
}

#[test]
fn art42_cases_received_before_the_settings_keep_their_old_allowance() {
    // A snapshot without settings (an old ledger) replays and extends as it did: 20 + 10.
    let mut h = accepted(item(7, 3, &[]), MON);
    assert!(h.case().received().item.legal.is_none());
    h.run(HEAD, TUE, head(10));
    assert_eq!(h.case().extension_working_days(), 10);
    assert_eq!(
        h.try_run(HEAD, TUE, head(1)).unwrap_err().code(),
        "extension_exceeds_allowance"
    );
}

// ---- Art. 32: the notice window and non-acceptance ----

#[test]
fn art32_notice_window_follows_the_items_law() {
    let mut short = real("食品经营许可", false);
    if let Some(legal) = short.legal.as_mut() {
        legal.notice_window = Cited::new(NoticeWindow::new(2).unwrap(), "某条例第十条");
    }
    // Thursday is the third working day after Monday: past a 2-day window, inside a 5-day one.
    let thu = date!(2026 - 03 - 05);
    let mut h = Harness::received(MON, short);
    let notice = Command::IssueOneTimeNotice {
        items: notice_items(),
    };
    assert_eq!(
        h.try_run(CLERK, thu, notice.clone()).unwrap_err().code(),
        "deemed_accepted"
    );
    let clock = h.case().clock(&h.cal, thu).unwrap();
    assert_eq!(clock.notice.unwrap().due.due, WED);
    let mut general = Harness::received(MON, real("食品经营许可", false));
    general.run(CLERK, thu, notice);
}

#[test]
fn art32_not_competent_or_no_licence_needed_is_refused_acceptance_after_five_working_days() {
    let late = date!(2026 - 03 - 10); // the 6th working day after receipt
    let reasons = || Reasons::new(vec!["不属于本机关职权范围".into()]).unwrap();
    let mut h = Harness::received(MON, real("食品经营许可", false));
    h.run(
        CLERK,
        late,
        Command::RefuseAcceptance {
            outcome: NonAcceptance::NotCompetent {
                reasons: reasons(),
                competent_authority: "山东省市场监督管理局".into(),
                remedies: remedies(),
            },
        },
    );
    assert_eq!(h.case().status(), CaseStatus::AcceptanceRefused);
    let mut h = Harness::received(MON, real("食品经营许可", false));
    h.run(
        CLERK,
        late,
        Command::RefuseAcceptance {
            outcome: NonAcceptance::NoLicenceNeeded { reasons: reasons() },
        },
    );
    assert!(h.case().is_closed());
    // Violating: the deemed acceptance (32(4)) still bars a late notice about materials.
    let mut h = Harness::received(MON, real("食品经营许可", false));
    let err = h
        .try_run(
            CLERK,
            late,
            Command::IssueOneTimeNotice {
                items: notice_items(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "deemed_accepted");
}

// ---- Art. 45: excluded time ----

#[test]
fn art45_site_verification_does_not_stop_the_clock() {
    let mut with_site_check = real("食品经营许可", false);
    with_site_check.special_procedures = vec![
        catalog::SpecialProcedure {
            kind: SpecialProcedureKind::SiteCheck,
            limit: catalog::TimeLimit::working_days(5),
        },
        catalog::SpecialProcedure {
            kind: SpecialProcedureKind::ExpertReview,
            limit: catalog::TimeLimit::working_days(5),
        },
    ];
    let mut h = accepted(with_site_check, MON);
    let err = h
        .try_run(REVIEWER_A, TUE, start(SpecialProcedureKind::SiteCheck))
        .unwrap_err();
    assert_eq!(
        err,
        CaseError::NotExcludedTime(SpecialProcedureKind::SiteCheck)
    );
    let offers = offered(&h, REVIEWER_A, &[Role::Reviewer], TUE);
    assert!(offers.iter().any(|a| matches!(
        a,
        AllowedAction::StartSpecialProcedure { procedures }
            if procedures == &[SpecialProcedureKind::ExpertReview]
    )));
    // Compliant: an expert review, with its written notice, stops it.
    h.run(REVIEWER_A, TUE, start(SpecialProcedureKind::ExpertReview));
    assert!(
        h.case()
            .clock(&h.cal, WED)
            .unwrap()
            .decision
            .unwrap()
            .paused
    );
}

#[test]
fn art45_site_check_recorded_before_the_rule_still_replays() {
    let mut h = accepted(item(20, 10, &[SpecialProcedureKind::SiteCheck]), MON);
    // The command is refused now, for old cases too …
    assert_eq!(
        h.try_run(REVIEWER_A, TUE, start(SpecialProcedureKind::SiteCheck))
            .unwrap_err()
            .code(),
        "not_excluded_time"
    );
    // … but a pause recorded before the rule folds, and keeps stopping that case's clock.
    h.events.push(CaseEvent::SpecialProcedureStarted {
        by: staff(REVIEWER_A),
        procedure: SpecialProcedureKind::SiteCheck,
        notice_reference: "旧告知书".into(),
        on: TUE,
    });
    assert!(
        h.case()
            .clock(&h.cal, WED)
            .unwrap()
            .decision
            .unwrap()
            .paused
    );
}

#[test]
fn art45_pollutant_permit_is_45_days_in_total_without_a_site_check_pause() {
    // 排污许可管理条例 Art. 12.
    let item = real("排污许可", false);
    assert_eq!(item.statutory_limit, catalog::TimeLimit::days(45));
    assert!(!item.allows(SpecialProcedureKind::SiteCheck));
    let mut h = accepted(item, MON);
    let err = h
        .try_run(REVIEWER_A, TUE, start(SpecialProcedureKind::SiteCheck))
        .unwrap_err();
    assert_eq!(err.code(), "not_excluded_time");
    let d = h.case().clock(&h.cal, TUE).unwrap().decision.unwrap();
    assert_eq!(d.statutory.due, date!(2026 - 04 - 16));
}

#[test]
fn art45_expert_review_excludes_at_most_its_cap() {
    // 消防设计审查: 15 working days; an expert review excluded for at most 20.
    let item = real("特殊建设工程消防设计审查", false);
    assert_eq!(
        item.excluded_cap(SpecialProcedureKind::ExpertReview),
        Some(catalog::TimeLimit::working_days(20))
    );
    let mut h = accepted(item, MON);
    h.run(REVIEWER_A, TUE, start(SpecialProcedureKind::ExpertReview));
    // Still open after 30 working days: only 20 of them are excluded.
    let today = date!(2026 - 04 - 15);
    let d = h.case().clock(&h.cal, today).unwrap().decision.unwrap();
    let paused = h
        .cal
        .working_days_between(MON, d.pauses[0].to, &[])
        .unwrap();
    assert_eq!(paused, 20);
    assert_eq!(
        h.cal
            .working_days_between(MON, d.statutory.due, &[])
            .unwrap(),
        35
    );
    // Without the cap the open review would still hold the whole clock.
    let mut uncapped = real("特殊建设工程消防设计审查", false);
    if let Some(legal) = uncapped.legal.as_mut() {
        legal.excluded_caps.clear();
    }
    let mut u = accepted(uncapped, MON);
    u.run(REVIEWER_A, TUE, start(SpecialProcedureKind::ExpertReview));
    let ud = u.case().clock(&u.cal, today).unwrap().decision.unwrap();
    assert!(ud.statutory.due > d.statutory.due);
}

#[test]
fn art45_a_cap_cannot_be_set_on_time_inside_the_limit() {
    assert!(
        ExcludedCap::new(
            SpecialProcedureKind::SiteCheck,
            catalog::TimeLimit::working_days(5),
            "某规定"
        )
        .is_err()
    );
}

// ---- 容缺 at the decision stage ----

#[test]
fn art34_approval_with_deferred_materials_is_refused_at_the_decision() {
    let mut h = Harness::reviewed(MON);
    let err = h
        .try_run(
            APPROVER,
            TUE,
            Command::Decide {
                decision: Decision::ApproveWithDeferredMaterials {
                    materials: vec!["健康证明".into()],
                },
            },
        )
        .unwrap_err();
    assert_eq!(err, CaseError::DeferredMaterialsAtDecision);
    let offers = offered(&h, APPROVER, &[Role::Approver], TUE);
    assert_eq!(
        offers,
        [AllowedAction::Decide {
            outcomes: vec![DecisionOutcome::Approve, DecisionOutcome::Refuse]
        }]
    );
    h.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
}

// ---- the real catalog ----

#[test]
fn art42_every_real_licensing_item_cites_the_source_of_each_setting() {
    let items = catalog::real_items().unwrap();
    let licensing: Vec<_> = items
        .iter()
        .filter(|i| i.category == catalog::ItemCategory::Licensing)
        .collect();
    assert_eq!(licensing.len(), 33);
    for item in &items {
        assert!(item.legal.problems().is_empty(), "{}", item.name);
        for (_, source) in item.legal.lines_zh() {
            assert!(source.starts_with('《'), "{}: {source}", item.name);
        }
    }
    let special = licensing.iter().filter(|i| !i.legal.is_general()).count();
    assert!(special >= 3, "{special}");
}
