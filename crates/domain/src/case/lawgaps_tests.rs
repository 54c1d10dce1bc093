//! Issue #21, the gaps left after the first pass: the notice of an extension after the head's
//! approval (Art. 42) and a non-acceptance for concealed facts or false materials (Art. 78).
//! Each test names the article it checks and runs a compliant and a violating sequence.

use time::Date;
use time::macros::date;

use crate::org::Role;

use super::testkit::*;
use super::*;

const MON: Date = date!(2026 - 03 - 02);
const TUE: Date = date!(2026 - 03 - 03);
const WED: Date = date!(2026 - 03 - 04);

fn unnotified(working_days: u32) -> Command {
    Command::ApproveExtension {
        authority: ExtensionAuthority::BureauHead,
        working_days,
        reason: "需组织专家论证".into(),
        applicant_notified_on: None,
    }
}

fn offered(h: &Harness, who: &str, day: Date) -> Vec<AllowedAction> {
    let p = crate::access::Principal {
        staff: Some(staff(who)),
        token: None,
        jurisdiction: crate::org::DivisionCode::parse("370100").unwrap(),
        department: crate::org::DepartmentCode::parse("SPJ").unwrap(),
        roles: vec![role_of(who)],
        scopes: None,
    };
    allowed_actions(&h.case(), &p, at(day), &h.cal)
}

#[test]
fn art42_the_notice_of_an_extension_may_follow_the_heads_approval() {
    let mut h = Harness::reviewed(MON);
    h.run(HEAD, TUE, unnotified(5));
    assert_eq!(h.case().extensions()[0].applicant_notified_on, None);
    assert_eq!(h.case().unnotified_extensions().len(), 1);
    // The desk offers the notice while it is missing, with the days it concerns.
    assert!(
        offered(&h, REVIEWER_A, WED).contains(&AllowedAction::NotifyExtension { working_days: 5 })
    );
    let clock = h.case().clock(&h.cal, TUE).unwrap();
    assert!(
        clock.to_chinese().contains("尚未告知申请人"),
        "{}",
        clock.to_chinese()
    );
    // Recorded as its own step on the ledger.
    let events = h.run(REVIEWER_A, WED, Command::NotifyExtension);
    assert!(matches!(
        events.as_slice(),
        [CaseEvent::ExtensionNotified { on, .. }] if *on == WED
    ));
    let case = h.case();
    assert_eq!(case.extensions()[0].applicant_notified_on, Some(WED));
    assert!(case.unnotified_extensions().is_empty());
    assert_eq!(case.extension_notice_due(&h.cal, WED).unwrap(), None);
    assert!(
        !offered(&h, REVIEWER_A, WED)
            .iter()
            .any(|a| a.kind() == CommandKind::NotifyExtension)
    );
    assert_eq!(
        case.timeline().last().unwrap().label_zh,
        "已告知申请人延长办理期限5个工作日"
    );
    // The history replays.
    Case::apply(&h.events).unwrap();
}

#[test]
fn art42_a_notice_with_no_extension_waiting_for_it_is_refused() {
    // Told at the approval: nothing is left to notify.
    let mut h = Harness::reviewed(MON);
    h.run(
        HEAD,
        TUE,
        Command::ApproveExtension {
            authority: ExtensionAuthority::BureauHead,
            working_days: 5,
            reason: "需组织专家论证".into(),
            applicant_notified_on: Some(TUE),
        },
    );
    assert_eq!(
        h.try_run(REVIEWER_A, WED, Command::NotifyExtension)
            .unwrap_err(),
        CaseError::NoExtensionToNotify
    );
    // No extension at all, and a notice by someone who is not a reviewer.
    let mut plain = Harness::reviewed(MON);
    assert_eq!(
        plain
            .try_run(REVIEWER_A, TUE, Command::NotifyExtension)
            .unwrap_err(),
        CaseError::NoExtensionToNotify
    );
    plain.run(HEAD, TUE, unnotified(5));
    assert!(matches!(
        plain.try_as(CLERK, &[Role::Clerk], WED, Command::NotifyExtension),
        Err(CaseError::MissingRole(_))
    ));
    // After the decision the notice is no longer a step of the case.
    let mut decided = Harness::reviewed(MON);
    decided.run(HEAD, TUE, unnotified(5));
    decided.run(
        APPROVER,
        WED,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    assert!(matches!(
        decided.try_run(REVIEWER_A, WED, Command::NotifyExtension),
        Err(CaseError::AlreadyDecided { .. })
    ));
}

#[test]
fn art42_the_notice_is_due_by_the_end_of_the_limit_the_extension_lengthens() {
    let mut h = Harness::reviewed(MON);
    h.run(HEAD, TUE, unnotified(5));
    let case = h.case();
    let due = case.extension_notice_due(&h.cal, TUE).unwrap().unwrap();
    // 20 working days from Monday 2 March: Monday 30 March (no holiday before April).
    assert_eq!(due, date!(2026 - 03 - 30));
    let statutory = case
        .clock(&h.cal, TUE)
        .unwrap()
        .decision
        .unwrap()
        .statutory
        .due;
    assert!(statutory > due);
}

fn public_safety_item() -> ItemSnapshot {
    let mut item = item(20, 10, &[]);
    item.legal = Some(crate::catalog::LegalSettings {
        public_safety: Some("《中华人民共和国行政许可法》第七十八条".into()),
        ..crate::catalog::LegalSettings::default()
    });
    item
}

fn not_accepted(outcome: NonAcceptance) -> Command {
    Command::RefuseAcceptance { outcome }
}

fn false_materials() -> NonAcceptance {
    NonAcceptance::FalseMaterials {
        reasons: Reasons::new(vec!["营业执照系伪造".into()]).unwrap(),
        remedies: remedies(),
    }
}

#[test]
fn art78_a_non_acceptance_for_false_materials_bans_a_public_safety_item_for_a_year() {
    let mut h = Harness::received(MON, public_safety_item());
    // The desk offers the ground at acceptance.
    assert!(offered(&h, CLERK, MON).iter().any(|a| matches!(
        a,
        AllowedAction::RefuseAcceptance { grounds } if grounds.contains(&NonAcceptanceGround::FalseMaterials)
    )));
    h.run(CLERK, TUE, not_accepted(false_materials()));
    let case = h.case();
    assert_eq!(case.status(), CaseStatus::AcceptanceRefused);
    assert_eq!(false_materials_on(&h.events), Some(TUE));
    let ban = art78_ban(&h.events).unwrap();
    assert_eq!(ban.since, TUE);
    assert_eq!(ban.until, date!(2027 - 03 - 03));
    assert!(ban.bars("990100001000", date!(2027 - 03 - 02)));
    assert!(!ban.bars("990100001000", date!(2027 - 03 - 03)));
}

#[test]
fn art78_other_non_acceptances_and_items_not_bearing_on_safety_ban_nothing() {
    // Not competent: a non-acceptance, but not for false materials.
    let mut other = Harness::received(MON, public_safety_item());
    other.run(
        CLERK,
        TUE,
        not_accepted(NonAcceptance::NotCompetent {
            reasons: Reasons::new(vec!["属省级权限".into()]).unwrap(),
            competent_authority: "山东省市场监督管理局".into(),
            remedies: remedies(),
        }),
    );
    assert_eq!(false_materials_on(&other.events), None);
    assert_eq!(art78_ban(&other.events), None);
    // False materials on an item that does not bear on public safety: no ban.
    let mut plain = Harness::received(MON, item(20, 10, &[]));
    plain.run(CLERK, TUE, not_accepted(false_materials()));
    assert_eq!(false_materials_on(&plain.events), Some(TUE));
    assert_eq!(art78_ban(&plain.events), None);
    // Deemed accepted (the notice window passed): the answer is a refusal now, not this.
    let mut late = Harness::received(MON, public_safety_item());
    assert!(matches!(
        late.try_run(
            CLERK,
            date!(2026 - 03 - 16),
            not_accepted(false_materials())
        ),
        Err(CaseError::DeemedAccepted { .. })
    ));
}

#[test]
fn art78_a_refusal_marked_false_materials_bans_as_before() {
    let mut h = Harness::received(MON, public_safety_item());
    h.run(CLERK, MON, Command::Accept);
    h.run(REVIEWER_A, MON, review(ReviewKind::InitialReview, true));
    h.run(REVIEWER_B, MON, review(ReviewKind::Review, true));
    let refusal = Refusal::new(vec!["材料虚假".into()], remedies())
        .unwrap()
        .for_false_materials();
    h.run(
        APPROVER,
        TUE,
        Command::Decide {
            decision: Decision::Refuse(refusal),
        },
    );
    assert_eq!(art78_ban(&h.events).map(|b| b.since), Some(TUE));
}
