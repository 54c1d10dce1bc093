//! Every built-in rule: a violating sequence raises its alert, the compliant one raises none.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use time::macros::date;
use time::{Date, OffsetDateTime, Time};

use super::*;
use crate::case::CaseEvent;
use crate::case::testkit::{APPROVER, CLERK, HEAD, Harness, REVIEWER_A, cal, staff};
use crate::case::{CHINA_STANDARD_TIME, CaseNumber, Command, DeliveryMethod};
use crate::catalog::SpecialProcedureKind;
use crate::linkage::PushEvent;
use crate::linkage::{PushCreated, PushKind};
use crate::org::{DepartmentCode, Role};

/// Monday 2026-11-02 (a working week with no holidays around it).
pub(super) const MON: Date = date!(2026 - 11 - 02);

pub(super) fn at(d: Date, hour: u8) -> OffsetDateTime {
    d.with_time(Time::from_hms(hour, 0, 0).unwrap())
        .assume_offset(CHINA_STANDARD_TIME)
}

pub(super) struct Log {
    pub(super) items: Vec<LogItem>,
    number: CaseNumber,
}

impl Log {
    /// A log with every rule in force (default parameters) and HEAD-1 as the bureau head.
    pub(super) fn new() -> Self {
        Self::with_params(RuleParams::default())
    }

    fn with_params(params: RuleParams) -> Self {
        let mut log = Log {
            items: Vec::new(),
            number: CaseNumber::parse("37010020261102000007").unwrap(),
        };
        for rule in RuleId::ALL {
            log.push(
                at(MON, 8),
                "system:rules",
                Event::RuleVersionRecorded {
                    version: RuleVersion {
                        rule: *rule,
                        version: 1,
                        params: params.clone(),
                        active: true,
                    },
                },
            );
        }
        log.push(
            at(MON, 8),
            "system:seed",
            Event::StaffRolesChanged {
                staff: staff(HEAD),
                roles: vec![Role::BureauHead],
            },
        );
        log
    }

    pub(super) fn push(&mut self, time: OffsetDateTime, actor: &str, event: Event) {
        let index = self.items.len() as u64;
        self.items.push(LogItem {
            index,
            time,
            actor: actor.into(),
            event,
        });
    }

    pub(super) fn case(&mut self, events: &[CaseEvent]) {
        for e in events {
            let time = match e {
                CaseEvent::Decided { decided_at, .. } => *decided_at,
                _ => at(e.date(), 10),
            };
            self.push(
                time,
                "staff:X",
                Event::Case {
                    case_number: self.number.clone(),
                    event: Box::new(e.clone()),
                },
            );
        }
    }

    pub(super) fn tick(&mut self, on: Date) {
        self.push(at(on, 9), "system:rules", Event::RulesTick { on });
    }

    pub(super) fn rules(&self) -> BTreeSet<RuleId> {
        evaluate(cal(), &self.items)
            .iter()
            .map(|a| a.rule)
            .collect()
    }
}

fn decided(on: Date, hour: u8) -> Harness {
    let mut h = Harness::reviewed(on);
    let mut ev = h.run(
        APPROVER,
        on,
        Command::Decide {
            decision: Decision::APPROVE,
        },
    );
    // The harness decides at 10:00; move it to `hour`.
    if let Some(CaseEvent::Decided { decided_at, .. }) = ev.last_mut() {
        *decided_at = at(on, hour);
    }
    h.events.pop();
    h.events.extend(ev);
    h
}

use crate::case::Decision;

fn delivered(h: &mut Harness, on: Date) {
    h.run(
        CLERK,
        on,
        Command::Deliver {
            method: DeliveryMethod::Window,
        },
    );
}

pub(super) fn only(set: &BTreeSet<RuleId>, rule: RuleId) {
    assert_eq!(set, &BTreeSet::from([rule]), "expected only {rule:?}");
}

#[test]
fn a_compliant_case_raises_nothing() {
    let mut h = decided(MON, 10);
    delivered(&mut h, date!(2026 - 11 - 04));
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 12 - 30));
    assert!(log.rules().is_empty(), "{:?}", evaluate(cal(), &log.items));
}

#[test]
fn notice_deadline() {
    let h = Harness::received(MON, crate::case::testkit::item(20, 10, &[]));
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 09)); // 5 working days: still in time
    assert!(log.rules().is_empty());
    log.tick(date!(2026 - 11 - 10)); // the 6th working day
    only(&log.rules(), RuleId::NoticeDeadline);
    let alert = &evaluate(cal(), &log.items)[0];
    assert_eq!(alert.responsible, Some(staff(CLERK)));
    assert_eq!(alert.superior, Some(staff(HEAD)));
}

#[test]
fn thresholds_can_be_set_per_item_and_per_department() {
    // The notice limit is 2 working days for this item, 3 for its department, 5 elsewhere.
    let mut params = RuleParams::default();
    params.overrides.insert(
        "item:990100001000".into(),
        Thresholds {
            notice_days: Some(2),
            ..Thresholds::default()
        },
    );
    params.overrides.insert(
        "dept:SCJG".into(),
        Thresholds {
            notice_days: Some(3),
            ..Thresholds::default()
        },
    );
    assert!(params.validate().is_ok());
    assert_eq!(
        params
            .for_scope(Some("990100001000"), Some("SCJG"))
            .notice_days,
        2
    );
    assert_eq!(
        params
            .for_scope(Some("990100009999"), Some("SCJG"))
            .notice_days,
        3
    );
    assert_eq!(params.for_scope(None, None).notice_days, 5);
    let h = Harness::received(MON, crate::case::testkit::item(20, 10, &[]));
    let mut log = Log::with_params(params.clone());
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 04)); // 2 working days: in time for this item
    assert!(log.rules().is_empty());
    log.tick(date!(2026 - 11 - 05)); // the 3rd working day: late for this item only
    only(&log.rules(), RuleId::NoticeDeadline);
    // A bad scope key is refused.
    let mut bad = params;
    bad.overrides.insert("case:1".into(), Thresholds::default());
    assert!(bad.validate().is_err());
    // Without overrides the JSON (and so every recorded hash) is as before.
    let json = serde_json::to_string(&RuleParams::default()).unwrap();
    assert!(!json.contains("overrides"), "{json}");
}

#[test]
fn two_reviewers() {
    let mut h = decided(MON, 10);
    delivered(&mut h, MON);
    let mut log = Log::new();
    let one_reviewer: Vec<_> = h
        .events
        .iter()
        .filter(|e| !matches!(e, CaseEvent::ReviewStep { reviewer, .. } if reviewer.as_str() == REVIEWER_A))
        .cloned()
        .collect();
    log.case(&one_reviewer);
    only(&log.rules(), RuleId::TwoReviewers);
}

#[test]
fn refusal_reasons_cannot_even_be_recorded_blank() {
    // The compliant refusal raises nothing.
    let mut h = Harness::reviewed(MON);
    h.run(
        APPROVER,
        MON,
        Command::Decide {
            decision: Decision::Refuse(
                crate::case::Refusal::new(
                    vec!["不符合条件".into()],
                    crate::case::testkit::remedies(),
                )
                .unwrap(),
            ),
        },
    );
    let mut log = Log::new();
    log.case(&h.events);
    assert!(!log.rules().contains(&RuleId::RefusalReasons));
    // A refusal without remedies does not deserialize, so no log can carry one: the rule is a
    // second line behind the type.
    let mut json = serde_json::to_value(h.events.last().unwrap()).unwrap();
    json["decision"]["remedies"]["litigation"] = serde_json::json!(" ");
    assert!(serde_json::from_value::<CaseEvent>(json).is_err());
}

#[test]
fn yellow_then_red_card() {
    // Promised 10, statutory 20 working days from acceptance on MON.
    let h = Harness::reviewed(MON);
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 12)); // 8 of 10 promised days
    assert!(log.rules().is_empty());
    log.tick(date!(2026 - 11 - 13)); // 9 of 10: yellow
    only(&log.rules(), RuleId::YellowCard);
    log.tick(date!(2026 - 12 - 01)); // past the 20th working day (30 November)
    assert_eq!(
        log.rules(),
        BTreeSet::from([RuleId::YellowCard, RuleId::RedCard])
    );
}

#[test]
fn extension_without_the_head_or_beyond_the_limit() {
    let mut h = Harness::reviewed(MON);
    h.run(
        HEAD,
        MON,
        Command::ApproveExtension {
            authority: crate::case::ExtensionAuthority::BureauHead,
            working_days: 10,
            reason: "需现场核查".into(),
            applicant_notified_on: Some(MON),
        },
    );
    let mut ok = Log::new();
    ok.case(&h.events);
    assert!(ok.rules().is_empty());
    // The same extension approved by someone who is not a head.
    let mut not_head = h.events.clone();
    if let Some(CaseEvent::ExtensionApproved { approved_by, .. }) = not_head.last_mut() {
        *approved_by = staff(REVIEWER_A);
    }
    let mut log = Log::new();
    log.case(&not_head);
    only(&log.rules(), RuleId::Extension);
    // A second extension: 20 working days in all.
    let mut twice = h.events.clone();
    twice.push(h.events.last().unwrap().clone());
    let mut log = Log::new();
    log.case(&twice);
    only(&log.rules(), RuleId::Extension);
}

#[test]
fn pause_without_notice_or_for_an_unlisted_reason() {
    let mut h = Harness::reviewed(MON);
    h.run(
        REVIEWER_A,
        MON,
        Command::StartSpecialProcedure {
            procedure: SpecialProcedureKind::ExpertReview,
            notice_reference: "济审特〔2026〕1号".into(),
        },
    );
    let mut ok = Log::new();
    ok.case(&h.events);
    assert!(ok.rules().is_empty());
    for change in [0, 1] {
        let mut ev = h.events.clone();
        if let Some(CaseEvent::SpecialProcedureStarted {
            procedure,
            notice_reference,
            ..
        }) = ev.last_mut()
        {
            if change == 0 {
                *notice_reference = String::new();
            } else {
                *procedure = SpecialProcedureKind::Quarantine;
            }
        }
        let mut log = Log::new();
        log.case(&ev);
        only(&log.rules(), RuleId::Pause);
    }
}

#[test]
fn delivery_deadline() {
    let h = decided(MON, 10);
    let mut log = Log::new();
    log.case(&h.events);
    log.tick(date!(2026 - 11 - 16)); // 10 working days after the decision
    assert!(log.rules().is_empty());
    log.tick(date!(2026 - 11 - 17));
    only(&log.rules(), RuleId::DeliveryDeadline);
    // Delivered late, with no timer in between.
    let mut late = decided(MON, 10);
    delivered(&mut late, date!(2026 - 11 - 20));
    let mut log = Log::new();
    log.case(&late.events);
    only(&log.rules(), RuleId::DeliveryDeadline);
}

#[test]
fn separation_of_duties() {
    let h = decided(MON, 10);
    let mut ev = h.events.clone();
    for e in &mut ev {
        if let CaseEvent::Accepted { by, .. } = e {
            *by = staff(APPROVER);
        }
    }
    let mut log = Log::new();
    log.case(&ev);
    only(&log.rules(), RuleId::SeparationOfDuties);
}

#[test]
fn skipped_steps() {
    let h = decided(MON, 10);
    let ev: Vec<_> = h
        .events
        .iter()
        .filter(|e| !matches!(e, CaseEvent::Accepted { .. }))
        .cloned()
        .collect();
    let mut log = Log::new();
    log.case(&ev);
    only(&log.rules(), RuleId::SkippedStep);
}

fn sealed(number: &CaseNumber, signer: &str) -> Event {
    Event::DocumentSealed {
        case_number: number.clone(),
        document_kind: "decision".into(),
        es_id: "ES1".into(),
        document_sm3: "00".into(),
        signature_sm3: "00".into(),
        signer: staff(signer),
        document: String::new(),
        signature_der: String::new(),
    }
}

#[test]
fn seal_use_must_match_a_decision() {
    let h = decided(MON, 10);
    let mut ok = Log::new();
    ok.case(&h.events);
    let n = ok.number.clone();
    ok.push(at(MON, 10), "staff:APPR-1", sealed(&n, APPROVER));
    assert!(ok.rules().is_empty());
    let mut wrong = Log::new();
    wrong.case(&h.events);
    wrong.push(at(MON, 10), "staff:HEAD-1", sealed(&n, HEAD));
    only(&wrong.rules(), RuleId::SealMismatch);
    let mut none = Log::new();
    none.case(&Harness::reviewed(MON).events);
    none.push(at(MON, 10), "staff:APPR-1", sealed(&n, APPROVER));
    only(&none.rules(), RuleId::SealMismatch);
}

#[test]
fn unclaimed_push() {
    let created = PushEvent::Created(PushCreated {
        push_id: "TS1".into(),
        kind: PushKind::Approval,
        case_number: "1".into(),
        licence_id: None,
        item_code: "990100001000".into(),
        item_name: "食品经营许可".into(),
        department: Some(DepartmentCode::parse("SCJG").unwrap()),
        responsible: Some(staff("SCJG-1")),
        pushed_on: MON,
        claim_due: Some(date!(2026 - 11 - 04)),
        escalate_on: Some(date!(2026 - 11 - 06)),
    });
    let push = |e: PushEvent| Event::Push {
        push_id: "TS1".into(),
        event: Box::new(e),
    };
    let mut claimed = Log::new();
    claimed.push(at(MON, 10), "staff:APPR-1", push(created.clone()));
    claimed.push(
        at(date!(2026 - 11 - 04), 10),
        "staff:SCJG-1",
        push(PushEvent::Claimed {
            department: DepartmentCode::parse("SCJG").unwrap(),
            by: crate::linkage::Claimant::Staff(staff("SCJG-1")),
            on: date!(2026 - 11 - 04),
            late: false,
        }),
    );
    claimed.tick(date!(2026 - 11 - 20));
    assert!(claimed.rules().is_empty());
    let mut log = Log::new();
    log.push(at(MON, 10), "staff:APPR-1", push(created));
    log.tick(date!(2026 - 11 - 04));
    assert!(log.rules().is_empty());
    log.tick(date!(2026 - 11 - 05));
    only(&log.rules(), RuleId::UnclaimedPush);
    let a = &evaluate(cal(), &log.items)[0];
    assert_eq!(
        (a.responsible.clone(), a.responsible_department.clone()),
        (Some(staff("SCJG-1")), DepartmentCode::parse("SCJG").ok())
    );
}

#[test]
fn promised_limit_changed_on_open_cases() {
    let uscc = crate::catalog::UnifiedSocialCreditCode::parse("11370100MB2850431U").unwrap();
    let item = crate::catalog::demo_catalog(&uscc)
        .into_iter()
        .find(|i| i.basic_code.as_str() == "990100001000")
        .unwrap();
    let mut changed = item.clone().into_spec();
    changed.promised_limit = crate::catalog::TimeLimit::working_days(3);
    changed.version += 1;
    let changed = crate::catalog::Item::new(changed).unwrap();
    let publish = |i: &crate::catalog::Item| Event::ItemPublished {
        item: Box::new(i.clone()),
    };
    // Changed with no open case: nothing.
    let mut quiet = Log::new();
    quiet.push(at(MON, 9), "staff:ADMIN", publish(&item));
    quiet.push(at(MON, 11), "staff:ADMIN", publish(&changed));
    assert!(quiet.rules().is_empty());
    // Changed while a case on the item is open.
    let mut log = Log::new();
    log.push(at(MON, 9), "staff:ADMIN", publish(&item));
    log.case(&Harness::reviewed(MON).events);
    log.push(at(MON, 11), "staff:ADMIN", publish(&changed));
    only(&log.rules(), RuleId::PromisedLimitChanged);
    assert_eq!(
        evaluate(cal(), &log.items)[0].responsible,
        Some(staff("ADMIN"))
    );
}

#[test]
fn off_hours_decision() {
    let mut log = Log::new();
    log.case(&decided(MON, 22).events);
    only(&log.rules(), RuleId::OffHoursDecision);
    // Saturday, in office hours.
    let mut log = Log::new();
    log.case(&decided(date!(2026 - 11 - 07), 10).events);
    assert!(log.rules().contains(&RuleId::OffHoursDecision));
}

#[test]
fn decision_volume() {
    let params = RuleParams {
        max_decisions_per_day: 1,
        ..RuleParams::default()
    };
    let mut log = Log::with_params(params.clone());
    log.case(&decided(MON, 10).events);
    assert!(log.rules().is_empty());
    log.number = CaseNumber::parse("37010020261102000008").unwrap();
    log.case(&decided(MON, 11).events);
    only(&log.rules(), RuleId::DecisionVolume);
}

#[test]
fn rectification_overdue() {
    let rated = |due: Date| Event::CaseRated {
        case_number: CaseNumber::parse("37010020261102000007").unwrap(),
        level: crate::rating::RatingLevel::VeryUnsatisfied,
        channel: crate::rating::RatingChannel::Online,
        comment: String::new(),
        rated_on: MON,
        rectification_due: Some(due),
    };
    let due = date!(2026 - 11 - 23);
    let mut done = Log::new();
    done.push(at(MON, 10), "system:public", rated(due));
    done.push(
        at(date!(2026 - 11 - 20), 10),
        "staff:HEAD-1",
        Event::RectificationClosed {
            case_number: done.number.clone(),
            by: staff(HEAD),
            explanation: "已整改".into(),
        },
    );
    done.tick(date!(2026 - 11 - 30));
    assert!(done.rules().is_empty());
    let mut log = Log::new();
    log.push(at(MON, 10), "system:public", rated(due));
    log.tick(due);
    assert!(log.rules().is_empty());
    log.tick(date!(2026 - 11 - 24));
    only(&log.rules(), RuleId::RectificationOverdue);
    assert_eq!(
        evaluate(cal(), &log.items)[0].responsible,
        Some(staff(HEAD))
    );
}

#[test]
fn rules_not_in_force_raise_nothing_and_replays_agree() {
    let h = decided(MON, 22);
    let mut log = Log::new();
    log.case(&h.events);
    let first = evaluate(cal(), &log.items);
    assert_eq!(first, evaluate(cal(), &log.items), "deterministic");
    assert_eq!(first.len(), 1);
    let expected = RuleVersion {
        rule: RuleId::OffHoursDecision,
        version: 1,
        params: RuleParams::default(),
        active: true,
    };
    assert_eq!(first[0].rule_hash, expected.hash());
    // Retired: a new version, inactive, recorded before the decision.
    let mut retired = Log::new();
    retired.push(
        at(MON, 8),
        "staff:INSPECT",
        Event::RuleVersionRecorded {
            version: RuleVersion {
                rule: RuleId::OffHoursDecision,
                version: 2,
                params: RuleParams::default(),
                active: false,
            },
        },
    );
    retired.case(&h.events);
    assert!(retired.rules().is_empty());
}

#[test]
fn a_local_expression_rule_raises_on_the_steps_it_matches() {
    let record = |active: bool| Event::ExpressionRuleRecorded {
        rule: ExpressionRule {
            code: "afternoon_decision".into(),
            version: 1,
            name_zh: "午后作出的决定".into(),
            expression: "kind == 'decided' && hour >= 12 && case.reviewers >= 2".into(),
            active,
        },
    };
    let mut log = Log::new();
    log.push(at(MON, 8), "staff:INSPECT", record(true));
    log.case(&decided(MON, 10).events);
    assert!(log.rules().is_empty(), "a morning decision does not match");
    let mut log = Log::new();
    log.push(at(MON, 8), "staff:INSPECT", record(true));
    log.case(&decided(MON, 14).events);
    only(&log.rules(), RuleId::Expression);
    let a = &evaluate(cal(), &log.items)[0];
    assert_eq!(a.expression.as_deref(), Some("afternoon_decision"));
    assert_eq!(a.rule_version, 1);
    // Retired, or with expression rules switched off, nothing is raised.
    let mut retired = Log::new();
    retired.push(at(MON, 8), "staff:INSPECT", record(true));
    retired.push(at(MON, 9), "staff:INSPECT", record(false));
    retired.case(&decided(MON, 14).events);
    assert!(retired.rules().is_empty());
    let mut off = Log::new();
    off.push(
        at(MON, 8),
        "staff:INSPECT",
        Event::RuleVersionRecorded {
            version: RuleVersion {
                rule: RuleId::Expression,
                version: 2,
                params: RuleParams::default(),
                active: false,
            },
        },
    );
    off.push(at(MON, 8), "staff:INSPECT", record(true));
    off.case(&decided(MON, 14).events);
    assert!(off.rules().is_empty());
}

#[test]
fn rule_hashes_change_with_parameters() {
    let v = RuleVersion {
        rule: RuleId::DecisionVolume,
        version: 1,
        params: RuleParams::default(),
        active: true,
    };
    let mut w = v.clone();
    w.params.max_decisions_per_day = 31;
    assert_ne!(v.hash(), w.hash());
    assert_eq!(v.hash().len(), 64);
    assert!(RuleParams::default().validate().is_ok());
    assert!(
        RuleParams {
            office_start_hour: 18,
            ..RuleParams::default()
        }
        .validate()
        .is_err()
    );
}

#[test]
fn every_rule_has_a_distinct_code_and_an_article() {
    let codes: BTreeSet<_> = RuleId::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes.len(), RuleId::ALL.len());
    for r in RuleId::ALL {
        assert!(!r.article().is_empty() && !r.name_zh().is_empty());
        assert_eq!(RuleId::parse(r.code()), Some(*r));
    }
}

/// Issue #22: a rule over its budget (recorded before the budget existed) or one the CEL
/// library panics on is stopped and reported once per version, whatever the number of steps;
/// a new version runs again, and the same log always gives the same alerts.
#[test]
fn a_failing_expression_rule_is_stopped_and_reported_once_per_version() {
    let record = |version: u32, expression: &str| Event::ExpressionRuleRecorded {
        rule: ExpressionRule {
            code: "costly".into(),
            version,
            name_zh: "代价".into(),
            expression: expression.into(),
            active: true,
        },
    };
    let mut log = Log::new();
    log.push(
        at(MON, 8),
        "staff:INSPECT",
        record(1, &super::cost::tests::boom()),
    );
    log.case(&decided(MON, 14).events);
    // An index past the end overflows `idx + 1` inside the interpreter: a panic in a build
    // with overflow checks (this test's), which the engine catches.
    #[cfg(debug_assertions)]
    {
        log.push(
            at(MON, 15),
            "staff:INSPECT",
            record(2, "kind == 'decided' && 'a'[9223372036854775807] == 'a'"),
        );
        log.case(&decided(MON, 16).events);
    }
    log.push(at(MON, 17), "staff:INSPECT", record(3, "kind == 'decided'"));
    log.number = CaseNumber::parse("37010020261102000008").unwrap();
    log.case(&decided(MON, 17).events);
    let alerts = evaluate(cal(), &log.items);
    assert_eq!(alerts, evaluate(cal(), &log.items));
    let failed: Vec<(&str, u32)> = alerts
        .iter()
        .filter(|a| a.subject.starts_with("expression:"))
        .map(|a| (a.message_zh.as_str(), a.rule_version))
        .collect();
    let mut want = vec![1];
    if cfg!(debug_assertions) {
        want.push(2);
    }
    assert_eq!(
        failed.iter().map(|f| f.1).collect::<Vec<_>>(),
        want,
        "{failed:?}"
    );
    assert!(failed[0].0.contains("too_costly"), "{failed:?}");
    if cfg!(debug_assertions) {
        assert!(failed[1].0.contains("evaluation_panicked"), "{failed:?}");
    }
    // Nothing an inspector typed beyond the code: not the name, not the source.
    assert!(
        failed
            .iter()
            .all(|f| !f.0.contains("代价") && !f.0.contains("map"))
    );
    // Version 3 runs again and raises its alert on the second case.
    let raised: Vec<&Alert> = alerts
        .iter()
        .filter(|a| a.subject.starts_with("case:"))
        .filter(|a| a.rule == RuleId::Expression)
        .collect();
    assert_eq!(raised.len(), 1, "{alerts:?}");
    assert_eq!(raised[0].rule_version, 3);
}
