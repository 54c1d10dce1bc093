//! Property tests of the case lifecycle and its clocks on the shipped 2025–2026 calendar.

use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use crate::catalog::SpecialProcedureKind;
use crate::org::Role;

use super::testkit::*;
use super::*;

pub(super) const STAFF: [&str; 6] = [CLERK, CLERK_2, REVIEWER_A, REVIEWER_B, APPROVER, HEAD];
pub(super) const ROLES: [Role; 4] = [
    Role::Clerk,
    Role::Reviewer,
    Role::Approver,
    Role::BureauHead,
];
const STEPS: [ReviewKind; 4] = [
    ReviewKind::InitialReview,
    ReviewKind::Review,
    ReviewKind::SiteInspection,
    ReviewKind::Countersign,
];

/// A command template; parameters that depend on the day are filled in when it runs.
#[derive(Debug, Clone)]
enum Op {
    Notice {
        empty: bool,
    },
    Supplement {
        empty: bool,
    },
    Accept,
    NoLicenceNeeded,
    NotCompetent,
    NotCorrected,
    Review {
        step: usize,
        substantive: bool,
        blank: bool,
    },
    Transfer {
        to: usize,
    },
    Return {
        step: usize,
    },
    Start {
        listed: bool,
    },
    End,
    Extend {
        government: bool,
        days: u32,
        notified_offset: i64,
    },
    Decide {
        outcome: u8,
    },
    Deliver,
    Withdraw,
    /// One hearing act (`hearing_tests::sample`), presided over by `STAFF[presiding]`, held
    /// `lead` days after the notice.
    Hearing {
        act: u8,
        presiding: usize,
        lead: i64,
    },
    DecideOnSpot,
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    op: Op,
    /// `None`: someone who holds the role the command needs (chosen by `pick`).
    actor: Option<usize>,
    pick: bool,
    extra_roles: Vec<Role>,
    advance: i64,
}

/// Weighted so that many histories get through review to a decision and delivery.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<bool>().prop_map(|empty| Op::Notice { empty }),
        3 => any::<bool>().prop_map(|empty| Op::Supplement { empty }),
        6 => Just(Op::Accept),
        1 => Just(Op::NoLicenceNeeded),
        1 => Just(Op::NotCompetent),
        1 => Just(Op::NotCorrected),
        12 => (0..4_usize, prop::bool::weighted(0.8), prop::bool::weighted(0.05))
            .prop_map(|(step, substantive, blank)| Op::Review { step, substantive, blank }),
        2 => (0..6_usize).prop_map(|to| Op::Transfer { to }),
        1 => (0..4_usize).prop_map(|step| Op::Return { step }),
        3 => prop::bool::weighted(0.8).prop_map(|listed| Op::Start { listed }),
        4 => Just(Op::End),
        3 => (any::<bool>(), 0..16_u32, -3..=1_i64).prop_map(|(government, days, notified_offset)| {
            Op::Extend { government, days, notified_offset }
        }),
        6 => (0..4_u8).prop_map(|outcome| Op::Decide { outcome }),
        1 => Just(Op::DecideOnSpot),
        4 => Just(Op::Deliver),
        1 => Just(Op::Withdraw),
        4 => (0..9_u8, 0..STAFF.len(), 5..=9_i64)
            .prop_map(|(act, presiding, lead)| Op::Hearing { act, presiding, lead }),
    ]
}

pub(crate) fn step() -> impl Strategy<Value = Step> {
    (
        op(),
        prop_oneof![5 => Just(None), 1 => (0..STAFF.len()).prop_map(Some)],
        any::<bool>(),
        prop::collection::vec(prop::sample::select(ROLES.to_vec()), 0..=1),
        prop_oneof![1 => Just(-1_i64), 10 => 0..=3_i64],
    )
        .prop_map(|(op, actor, pick, extra_roles, advance)| Step {
            op,
            actor,
            pick,
            extra_roles,
            advance,
        })
}

/// The actor and roles of a step: a chosen member of staff in their usual role, or someone
/// holding the role the command needs (for approvals sometimes the accepting clerk, to
/// exercise separation of duties).
fn actor(s: &Step, needed: Role) -> (&'static str, Vec<Role>) {
    let (who, role) = match s.actor {
        Some(i) => (STAFF[i], role_of(STAFF[i])),
        None => {
            let who = match (needed, s.pick) {
                (Role::Clerk, false) => CLERK,
                (Role::Clerk, true) => CLERK_2,
                (Role::Reviewer, false) => REVIEWER_A,
                (Role::Reviewer, true) => REVIEWER_B,
                (Role::Approver, true) => CLERK,
                (Role::Approver, false) => APPROVER,
                _ => HEAD,
            };
            (who, needed)
        }
    };
    let mut roles = s.extra_roles.clone();
    roles.push(role);
    (who, roles)
}

fn command(op: &Op, day: Date) -> Command {
    let reasons = || Reasons::new(vec!["理由".into()]).unwrap();
    match op {
        Op::Notice { empty } => Command::IssueOneTimeNotice {
            items: if *empty { vec![] } else { notice_items() },
        },
        Op::Supplement { empty } => Command::ReceiveSupplement {
            materials: if *empty {
                vec![]
            } else {
                vec![material("补正件")]
            },
        },
        Op::Accept => Command::Accept,
        Op::NoLicenceNeeded => Command::RefuseAcceptance {
            outcome: NonAcceptance::NoLicenceNeeded { reasons: reasons() },
        },
        Op::NotCompetent => Command::RefuseAcceptance {
            outcome: NonAcceptance::NotCompetent {
                reasons: reasons(),
                competent_authority: "山东省市场监督管理局".into(),
                remedies: remedies(),
            },
        },
        Op::NotCorrected => Command::RefuseAcceptance {
            outcome: NonAcceptance::MaterialsNotCorrected {
                reasons: reasons(),
                remedies: remedies(),
            },
        },
        Op::Review {
            step,
            substantive,
            blank,
        } => Command::RecordReviewStep {
            step: STEPS[*step],
            opinion: if *blank { " ".into() } else { "同意".into() },
            substantive: *substantive,
        },
        Op::Transfer { to } => Command::Transfer {
            to: staff(STAFF[*to]),
            reason: "转办".into(),
        },
        Op::Return { step } => Command::Return {
            to_step: STEPS[*step],
            reason: "退回".into(),
        },
        Op::Start { listed } => Command::StartSpecialProcedure {
            procedure: if *listed {
                SpecialProcedureKind::ExpertReview
            } else {
                SpecialProcedureKind::Tender
            },
            notice_reference: "通知".into(),
        },
        Op::End => Command::EndSpecialProcedure,
        Op::Extend {
            government,
            days,
            notified_offset,
        } => Command::ApproveExtension {
            authority: if *government {
                ExtensionAuthority::GovernmentHead {
                    approval_reference: "批复".into(),
                }
            } else {
                ExtensionAuthority::BureauHead
            },
            working_days: *days,
            reason: "延期".into(),
            applicant_notified_on: Some(day + Duration::days(*notified_offset)),
        },
        Op::Decide { outcome } => Command::Decide {
            decision: match outcome {
                0 | 1 => Decision::APPROVE,
                2 => Decision::ApproveWithDeferredMaterials {
                    materials: vec!["健康证明".into()],
                },
                _ => Decision::Refuse(Refusal::new(vec!["不符合条件".into()], remedies()).unwrap()),
            },
        },
        Op::Deliver => Command::Deliver {
            method: DeliveryMethod::Window,
        },
        Op::Withdraw => Command::Withdraw,
        Op::Hearing {
            act,
            presiding,
            lead,
        } => Command::Hearing(super::hearing_tests::sample(
            *act,
            STAFF[*presiding],
            day + Duration::days(*lead),
        )),
        Op::DecideOnSpot => Command::DecideOnSpot,
    }
}

/// Runs `steps` on a case received on 2026-03-02; returns the events and the case folded
/// incrementally, after checking every accepted event folds and every clock reads.
pub(crate) fn run(steps: &[Step], joint: bool) -> Result<(Vec<CaseEvent>, Case), TestCaseError> {
    let mut item = item(20, 10, &[SpecialProcedureKind::ExpertReview]);
    item.joint_handling = joint;
    run_with(steps, item)
}

/// [`run`] for any item, e.g. one carrying its own law's settings.
pub(super) fn run_with(
    steps: &[Step],
    item: ItemSnapshot,
) -> Result<(Vec<CaseEvent>, Case), TestCaseError> {
    let cal = cal();
    let start = date!(2026 - 03 - 02);
    let mut events = Case::receive(
        intake(start, item, true),
        &ctx(&cal, CLERK, &[Role::Clerk], start),
    )
    .unwrap();
    let mut case = Case::apply(&events).unwrap();
    let mut day = start;
    for s in steps {
        day += Duration::days(s.advance);
        let command = command(&s.op, day);
        let (who, roles) = actor(s, command.required_role());
        if let Ok(new) = case.handle(command, &ctx(&cal, who, &roles, day)) {
            for e in &new {
                prop_assert!(
                    case.evolve(e).is_ok(),
                    "handle produced {e:?} the fold refuses"
                );
            }
            events.extend(new);
        }
        // Reading the clocks never panics; it may only fail on a missing calendar year.
        if let Err(e) = case.clock(&cal, day.max(case.last_date())) {
            prop_assert_eq!(e.code(), "calendar");
        }
    }
    Ok((events, case))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_commands_never_panic_and_always_yield_a_history_the_fold_accepts(
        steps in prop::collection::vec(step(), 0..40), joint in prop::bool::weighted(0.2)
    ) {
        let (events, case) = run(&steps, joint)?;
        let replayed = Case::apply(&events);
        prop_assert_eq!(replayed.as_ref(), Ok(&case));
        // Invariants the law requires of any decided case.
        if let Some(decision) = case.decision() {
            prop_assert!(case.substantive_reviewers().len() >= 2);
            prop_assert_ne!(Some(&decision.approver), case.acceptance().map(|a| &a.by));
        }
        prop_assert!(case.extension_working_days() <= 15);
        let notices = events.iter().filter(|e| e.kind() == "one_time_notice_issued").count();
        prop_assert!(notices <= 1);
    }

    #[test]
    fn events_round_trip_through_serde(
        steps in prop::collection::vec(step(), 0..40), joint in prop::bool::weighted(0.2)
    ) {
        let (events, _) = run(&steps, joint)?;
        for e in &events {
            let json = serde_json::to_value(e).unwrap();
            prop_assert_eq!(json["kind"].as_str(), Some(e.kind()));
            prop_assert!(CaseEvent::KINDS.contains(&e.kind()));
            prop_assert_eq!(&serde_json::from_value::<CaseEvent>(json).unwrap(), e);
        }
        let text = serde_json::to_string(&events).unwrap();
        prop_assert_eq!(serde_json::from_str::<Vec<CaseEvent>>(&text).unwrap(), events);
    }

    #[test]
    fn pauses_never_shorten_the_decision_deadline(
        accepted in 0_i64..=480,
        statutory in 1_u32..=30,
        promised_share in 1_u32..=100,
        pause_offset in 0_i64..=40,
        pause_len in 0_i64..=20,
        ended in any::<bool>(),
        read_after in 0_i64..=30,
    ) {
        let cal = cal();
        let on = date!(2025 - 01 - 02) + Duration::days(accepted);
        let promised = (statutory * promised_share).div_ceil(100);
        let item = item(statutory, promised, &[SpecialProcedureKind::Inspection]);
        let mut events =
            Case::receive(intake(on, item, false), &ctx(&cal, CLERK, &[Role::Clerk], on)).unwrap();
        events.push(CaseEvent::Accepted { by: staff(CLERK), deemed: false, on });
        let plain_len = events.len();
        let from = on + Duration::days(pause_offset);
        events.push(CaseEvent::SpecialProcedureStarted {
            by: staff(REVIEWER_A),
            procedure: SpecialProcedureKind::Inspection,
            notice_reference: "检验通知".into(),
            on: from,
        });
        let mut last = from;
        if ended {
            last = from + Duration::days(pause_len);
            events.push(CaseEvent::SpecialProcedureEnded { by: staff(REVIEWER_A), on: last });
        }
        let today = last + Duration::days(read_after);
        let paused = clock::clock(&events, &cal, today).unwrap().decision.unwrap();
        let plain = clock::clock(&events[..plain_len], &cal, today).unwrap().decision.unwrap();
        prop_assert!(paused.statutory.due >= plain.statutory.due);
        prop_assert!(paused.promised.due >= plain.promised.due);
        prop_assert!(paused.elapsed <= plain.elapsed);
        prop_assert!(paused.remaining_statutory >= plain.remaining_statutory);
    }
}
