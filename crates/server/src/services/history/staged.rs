//! One case the history leaves on its hearing day, for whoever shows or tests the demo.
//!
//! A hearing is noticed 7 days ahead (Licensing Law Art. 48(1)(1)) and its record can only be
//! closed on or after the hearing day, so a demo that starts empty cannot walk a hearing to the
//! decision on the real clock. The history therefore plans one 食品经营许可 case whose hearing
//! (requested by an interested party, Art. 47) is held on the last working day up to the
//! history's end: received, accepted and reviewed, the parties told and heard, the right told,
//! the request registered and the hearing noticed, all in the days before, by the demo's own
//! accounts (REVIEW, REVIEW2; HEAD presides, who did not review). What is left is what happens
//! on the day: closing the signed record and deciding on it (scripts/browser/hearing.test.js).
//!
//! Every step is run on the domain's `Case` first, like the planner's own cases: a step the law
//! or the calendar refuses plans no staged case at all.

use oneseal_domain::case::{
    Applicant, Case, CaseContext, CaseNumber, Channel, Command, HearingAct, Intake, ItemSnapshot,
    MaterialRef, PhoneNumber, QueryCode, Requester, ReviewKind, Sha256Digest, StoredQueryCode,
};
use oneseal_domain::catalog::UnifiedSocialCreditCode;
use oneseal_domain::org::{Role, StaffId};
use time::{Date, Duration};

use super::plan::{Act, Step, World, at, working_days};

/// The staged case's applicant (an organisation: no natural person's data).
pub const HEARING_APPLICANT: &str = "济南泉城听证示范餐饮有限公司";
/// 食品经营许可: a food business next to homes, where neighbours ask for a hearing.
const ITEM: &str = "990100001000";

/// The staged hearing case's steps, as case `index`; none when the city, the item or the
/// calendar is missing, or the domain refuses a step.
pub fn hearing_case(world: &World, index: u32) -> Vec<Step> {
    plan(world, index).unwrap_or_default()
}

fn staff(id: &str) -> Option<StaffId> {
    StaffId::parse(id).ok()
}

fn plan(world: &World, index: u32) -> Option<Vec<Step>> {
    let (place_ix, place) = world
        .places
        .iter()
        .enumerate()
        .find(|(_, p)| p.code.is_city())?;
    let item_ix = place
        .demand
        .iter()
        .position(|d| d.item.basic_code.as_str() == ITEM)?;
    let item = &place.demand.get(item_ix)?.item;
    let today = oneseal_domain::case::legal_date(world.end);
    let days = working_days(&world.calendar, today - Duration::days(40), today);
    // The hearing day: the last working day up to today; the notice at least 7 days before it.
    let held_on = *days.last()?;
    let noticed = *days
        .iter()
        .rev()
        .find(|d| **d <= held_on - Duration::days(7))?;
    let at_notice = days.iter().position(|d| *d == noticed)?;
    // Received and accepted two working days before the notice, reviewed and the parties heard
    // the next day, the right told the day before the request, the request and notice on one day.
    let received = *days.get(at_notice.checked_sub(3)?)?;
    let reviewed = *days.get(at_notice - 2)?;
    let right = *days.get(at_notice - 1)?;
    if received < world.first_day {
        return None;
    }
    let (clerk, review, review2, head) = (
        staff("CLERK")?,
        staff("REVIEW")?,
        staff("REVIEW2")?,
        staff("HEAD")?,
    );
    let uscc = UnifiedSocialCreditCode::with_check_character("91370100MA3C0TH2K").ok()?;
    let applicant = Applicant::Organisation {
        name: HEARING_APPLICANT.to_owned(),
        uscc,
        contact_phone: PhoneNumber::parse("13905310046").ok()?,
    };
    let materials: Vec<MaterialRef> = item
        .materials
        .iter()
        .take(4)
        .map(|m| MaterialRef {
            name: m.name.clone(),
            sha256: Sha256Digest::of(format!("staged-hearing:{}", m.name).as_bytes()),
        })
        .collect();
    let intake = Intake {
        case_number: CaseNumber::new(&place.code, received, 1).ok()?,
        query_code: StoredQueryCode::Plain(QueryCode::from_random([0; QueryCode::RANDOM_BYTES])),
        channel: Channel::Window,
        item: ItemSnapshot::from_item(item, false),
        applicant: applicant.clone(),
        materials: materials.clone(),
        address: None,
    };
    let intake_at = at(received, 9 * 60 + 10);
    let mut case = Case::receive(
        intake,
        &CaseContext {
            actor: clerk.clone(),
            roles: vec![Role::Clerk],
            now: intake_at,
            calendar: &world.calendar,
        },
    )
    .and_then(|e| Case::apply(&e))
    .ok()?;
    let mut steps = vec![Step {
        at: intake_at,
        case: index,
        place: place_ix,
        act: Act::Intake {
            staff: clerk.clone(),
            item: item_ix,
            channel: Channel::Window,
            applicant,
            materials,
        },
        last: false,
        settled: false,
    }];
    let notice = |reference: &str| reference.to_owned();
    let acts: Vec<(Date, u32, &StaffId, Role, Command)> = vec![
        (received, 9 * 60 + 40, &clerk, Role::Clerk, Command::Accept),
        (
            reviewed,
            9 * 60 + 30,
            &review,
            Role::Reviewer,
            Command::RecordReviewStep {
                step: ReviewKind::InitialReview,
                opinion: "材料齐全；经营场所与住宅相邻，油烟排放涉及相邻住户".into(),
                substantive: true,
            },
        ),
        (
            reviewed,
            10 * 60,
            &review,
            Role::Reviewer,
            Command::Hearing(HearingAct::FindMajorInterests),
        ),
        (
            reviewed,
            10 * 60 + 20,
            &review,
            Role::Reviewer,
            Command::Hearing(HearingAct::NotifyParties {
                parties: vec!["相邻住户代表".into()],
                notice_reference: notice("济审告〔演示〕1号"),
            }),
        ),
        (
            reviewed,
            15 * 60,
            &review,
            Role::Reviewer,
            Command::Hearing(HearingAct::RecordStatement {
                party: "相邻住户代表".into(),
                statement: "油烟排放口正对住户窗户，请求调整位置".into(),
            }),
        ),
        (
            right,
            9 * 60 + 30,
            &review,
            Role::Reviewer,
            Command::Hearing(HearingAct::NotifyRight {
                notice_reference: notice("济审听告〔演示〕1号"),
            }),
        ),
        (
            noticed,
            9 * 60 + 30,
            &review,
            Role::Reviewer,
            Command::Hearing(HearingAct::Request {
                requester: Requester::InterestedParty,
                notice_reference: notice("济审听不计〔演示〕1号"),
            }),
        ),
        (
            noticed,
            10 * 60,
            &review2,
            Role::Reviewer,
            Command::RecordReviewStep {
                step: ReviewKind::Review,
                opinion: "同意初审意见，待听证后决定".into(),
                substantive: true,
            },
        ),
        (
            noticed,
            10 * 60 + 30,
            &review,
            Role::Reviewer,
            Command::Hearing(HearingAct::Schedule {
                presiding: head.clone(),
                held_on,
                place: "本局三楼听证室（上午九时）".into(),
                open_to_public: true,
                closed_ground: None,
                notice_reference: notice("济审听通〔演示〕1号"),
            }),
        ),
    ];
    for (day, minutes, who, role, command) in acts {
        let t = at(day, minutes);
        if t > world.end {
            return None;
        }
        let ctx = CaseContext {
            actor: who.clone(),
            roles: vec![role],
            now: t,
            calendar: &world.calendar,
        };
        for e in case.handle(command.clone(), &ctx).ok()? {
            case.evolve(&e).ok()?;
        }
        steps.push(Step {
            at: t,
            case: index,
            place: place_ix,
            act: Act::Command {
                staff: who.clone(),
                role,
                command,
            },
            last: false,
            settled: false,
        });
    }
    if let Some(last) = steps.last_mut() {
        last.last = true;
    }
    Some(steps)
}
