//! The plan of a history: what happens to each case and when, decided before anything is
//! written. Each case draws from its own random stream (the seed and its position), so the plan
//! is the same for a seed whatever order or thread the cases are planned in, and the planner
//! runs every command on the domain's `Case` first: a step the law or the calendar would refuse
//! is never planned, and the case stops there (as an unfinished case would).

use std::sync::Arc;

use oneseal_domain::calendar::{Calendar, TimeLimit};
use oneseal_domain::case::{
    Applicant, CHINA_STANDARD_TIME, Case, CaseContext, CaseNumber, Channel, Command, Decision,
    DeliveryMethod, ExtensionAuthority, Intake, ItemSnapshot, MaterialRef, NonAcceptance,
    NoticeItem, NoticeProblem, QueryCode, Refusal, Remedies, ReviewKind, Sha256Digest,
    StoredQueryCode,
};
use oneseal_domain::catalog::Item;
use oneseal_domain::linkage::LinkageSettings;
use oneseal_domain::org::{DepartmentCode, DivisionCode, Role, StaffId};
use oneseal_domain::rating::{RatingChannel, RatingLevel};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use time::{Date, Duration, OffsetDateTime, Time};

/// Who works where: the staff a jurisdiction's cases are handled by.
#[derive(Clone, Debug)]
pub struct Roster {
    pub clerks: Vec<StaffId>,
    pub reviewers: Vec<StaffId>,
    pub approvers: Vec<StaffId>,
    pub head: StaffId,
    /// The supervising departments' staff who claim pushes and send feedback.
    pub supervisors: Vec<(DepartmentCode, StaffId)>,
}

/// An item applicants ask for, with how often they do.
#[derive(Clone, Debug)]
pub struct Demand {
    pub item: Item,
    pub weight: u32,
}

/// One jurisdiction as the planner sees it.
#[derive(Clone, Debug)]
pub struct Place {
    pub code: DivisionCode,
    pub name: String,
    /// Its share of all applications.
    pub weight: u32,
    pub demand: Vec<Demand>,
    pub roster: Roster,
    pub linkage: LinkageSettings,
}

/// Everything the planner reads: the places, the calendar and the period.
pub struct World {
    pub places: Vec<Place>,
    pub calendar: Arc<Calendar>,
    /// The first day applications arrive.
    pub first_day: Date,
    /// Nothing is planned after this instant (the history's "now").
    pub end: OffsetDateTime,
    pub seed: u64,
}

/// What one step does.
#[derive(Clone, Debug)]
pub enum Act {
    Intake {
        staff: StaffId,
        item: usize,
        channel: Channel,
        applicant: Applicant,
        materials: Vec<MaterialRef>,
    },
    Command {
        staff: StaffId,
        role: Role,
        command: Command,
    },
    /// The supervising department claims the decision's push.
    Claim,
    /// The applicant rates the closed case.
    Rate {
        level: RatingLevel,
        channel: RatingChannel,
        comment: String,
    },
    /// The supervising department reports a penalty on the case's licence.
    Penalty { revokes: bool },
    /// The day's first run of the monitoring rules (its tick), as a running server records it.
    Tick,
    /// The linkage runner after office hours: reminders, escalations and the day's digests.
    Runner,
}

/// One step of one case.
#[derive(Clone, Debug)]
pub struct Step {
    pub at: OffsetDateTime,
    /// The case's position in the plan (its random stream).
    pub case: u32,
    pub place: usize,
    pub act: Act,
    /// The case's last step: its state can be dropped afterwards.
    pub last: bool,
    /// The case's last command: afterwards the writer and the signers keep only what a claim,
    /// a rating or a penalty needs, not the folded case.
    pub settled: bool,
}

/// A time on `day` in China Standard Time.
pub(super) fn at(day: Date, minutes_after_midnight: u32) -> OffsetDateTime {
    let h = u8::try_from((minutes_after_midnight / 60).min(23)).unwrap_or(23);
    let m = u8::try_from(minutes_after_midnight % 60).unwrap_or(0);
    day.with_time(Time::from_hms(h, m, 0).unwrap_or(Time::MIDNIGHT))
        .assume_offset(CHINA_STANDARD_TIME)
}

fn legal_day(t: OffsetDateTime) -> Date {
    oneseal_domain::case::legal_date(t)
}

/// The working days from `first` to `last` inclusive.
pub fn working_days(calendar: &Calendar, first: Date, last: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = first;
    while d <= last {
        if calendar.is_working_day(d).unwrap_or(false) {
            out.push(d);
        }
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

fn pick_weighted<T>(rng: &mut StdRng, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
    let total: u64 = items.iter().map(|i| u64::from(weight(i))).sum();
    let mut r = rng.random_range(0..total.max(1));
    for (i, item) in items.iter().enumerate() {
        let w = u64::from(weight(item));
        if r < w {
            return i;
        }
        r -= w;
    }
    items.len().saturating_sub(1)
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.random_range(0..items.len()))
}

/// The first draws of case `index`'s random stream: its place and the position in `days` of
/// the day it arrives; and the stream, to go on with. [`arrival`] needs only these two, so the
/// timeline can learn every case's day without planning it.
fn start(world: &World, days: &[Date], index: u32) -> Option<(StdRng, usize, usize)> {
    let mut rng = StdRng::seed_from_u64(
        world
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(u64::from(index)),
    );
    let place_ix = pick_weighted(&mut rng, &world.places, |p| p.weight);
    world.places.get(place_ix)?;
    if days.is_empty() {
        return None;
    }
    let day_ix = rng.random_range(0..days.len());
    Some((rng, place_ix, day_ix))
}

/// The position in `days` of the day case `index` arrives (`None`: it plans no step). Every
/// step of the case is on or after that day.
pub fn arrival(world: &World, days: &[Date], index: u32) -> Option<usize> {
    start(world, days, index).map(|(_, _, day)| day)
}

/// Plans case number `index`: its steps, in time order, none after the world's end.
pub fn plan_case(world: &World, days: &[Date], index: u32) -> Vec<Step> {
    let Some((mut rng, place_ix, day_ix)) = start(world, days, index) else {
        return Vec::new();
    };
    let (Some(place), Some(&day)) = (world.places.get(place_ix), days.get(day_ix)) else {
        return Vec::new();
    };
    let item_ix = pick_weighted(&mut rng, &place.demand, |d| d.weight);
    let Some(demand) = place.demand.get(item_ix) else {
        return Vec::new();
    };
    let mut p = CasePlan {
        world,
        place,
        place_ix,
        index,
        rng,
        steps: Vec::new(),
        now: at(day, 0),
        case: None,
    };
    p.run(item_ix, &demand.item, day);
    if let Some(last) = p.steps.last_mut() {
        last.last = true;
    }
    if let Some(s) = p
        .steps
        .iter_mut()
        .rev()
        .find(|s| matches!(s.act, Act::Intake { .. } | Act::Command { .. }))
    {
        s.settled = true;
    }
    p.steps
}

/// One case being planned: its random stream, the case as the domain folds it, and its steps.
struct CasePlan<'a> {
    world: &'a World,
    place: &'a Place,
    place_ix: usize,
    index: u32,
    rng: StdRng,
    steps: Vec<Step>,
    /// The time of the last step.
    now: OffsetDateTime,
    case: Option<Case>,
}

impl CasePlan<'_> {
    fn chance(&mut self, percent: u32) -> bool {
        self.rng.random_range(0..100) < percent
    }

    /// A time during office hours `wd` working days after the last step's day (0: the same day,
    /// a little later); `None` past the end of the history or of the calendar.
    fn later(&mut self, wd: u32) -> Option<OffsetDateTime> {
        let today = legal_day(self.now);
        let t = if wd == 0 {
            self.now + Duration::minutes(self.rng.random_range(5..90))
        } else {
            let day = self
                .world
                .calendar
                .deadline(today, TimeLimit::working_days(wd), &[])
                .ok()?
                .due;
            at(day, self.rng.random_range(8 * 60 + 30..17 * 60 + 30))
        };
        (legal_day(t) == legal_day(self.now) || wd > 0)
            .then_some(t)
            .filter(|t| *t <= self.world.end)
    }

    fn push(&mut self, at: OffsetDateTime, act: Act) {
        self.now = at;
        self.steps.push(Step {
            at,
            case: self.index,
            place: self.place_ix,
            act,
            last: false,
            settled: false,
        });
    }

    /// Runs `command` as `staff` at `t` on the domain's case; plans it if the domain accepts it.
    fn command(
        &mut self,
        t: OffsetDateTime,
        staff: &StaffId,
        role: Role,
        command: Command,
    ) -> bool {
        let Some(case) = self.case.as_mut() else {
            return false;
        };
        let ctx = CaseContext {
            actor: staff.clone(),
            roles: vec![role],
            now: t,
            calendar: &self.world.calendar,
        };
        let Ok(events) = case.handle(command.clone(), &ctx) else {
            return false;
        };
        for e in &events {
            if case.evolve(e).is_err() {
                return false;
            }
        }
        self.push(
            t,
            Act::Command {
                staff: staff.clone(),
                role,
                command,
            },
        );
        true
    }

    /// `command` `wd` working days after the last step, by one of `staff`.
    fn next(&mut self, wd: u32, staff: &[StaffId], role: Role, command: Command) -> bool {
        let Some(t) = self.later(wd) else {
            return false;
        };
        let Some(who) = pick(&mut self.rng, staff).cloned() else {
            return false;
        };
        self.command(t, &who, role, command)
    }

    fn run(&mut self, item_ix: usize, item: &Item, day: Date) {
        let intake_at = at(day, self.rng.random_range(8 * 60 + 30..16 * 60 + 30));
        if intake_at > self.world.end {
            return;
        }
        let Some(applicant) = super::people::applicant(&mut self.rng, self.index) else {
            return;
        };
        let materials: Vec<MaterialRef> = item
            .materials
            .iter()
            .take(4)
            .map(|m| MaterialRef {
                name: m.name.clone(),
                sha256: Sha256Digest::of(format!("{}:{}", self.index, m.name).as_bytes()),
            })
            .collect();
        let channel = if self.chance(62) {
            Channel::Online
        } else {
            Channel::Window
        };
        let Some(clerk) = pick(&mut self.rng, &self.place.roster.clerks).cloned() else {
            return;
        };
        // The number and the code are the store's and the executor's; the domain only checks
        // that the number's date is the receipt date.
        let Ok(number) = CaseNumber::new(&self.place.code, day, 1) else {
            return;
        };
        let intake = Intake {
            case_number: number,
            query_code: StoredQueryCode::Plain(QueryCode::from_random(
                [0; QueryCode::RANDOM_BYTES],
            )),
            channel,
            item: ItemSnapshot::from_item(item, false),
            applicant: applicant.clone(),
            materials: materials.clone(),
            address: None,
        };
        let ctx = CaseContext {
            actor: clerk.clone(),
            roles: vec![Role::Clerk],
            now: intake_at,
            calendar: &self.world.calendar,
        };
        let Ok(case) = Case::receive(intake, &ctx).and_then(|e| Case::apply(&e)) else {
            return;
        };
        self.case = Some(case);
        self.push(
            intake_at,
            Act::Intake {
                staff: clerk.clone(),
                item: item_ix,
                channel,
                applicant,
                materials,
            },
        );
        if self.acceptance(&clerk) {
            self.review_and_decide(item);
        }
        self.rate();
    }

    /// Notice, supplement, refusal or acceptance; whether the case goes on to review.
    fn acceptance(&mut self, clerk: &StaffId) -> bool {
        let clerks = self.place.roster.clerks.clone();
        let roll = self.rng.random_range(0..100);
        if roll < 3 {
            let wd = self.rng.random_range(0..3);
            self.next(wd, &clerks, Role::Clerk, Command::Withdraw);
            return false;
        }
        if roll < 8 {
            let (Some(reasons), Some(remedies)) = (
                reasons("申请事项依法不属于本机关职权范围"),
                remedies(&self.place.name),
            ) else {
                return false;
            };
            let outcome = NonAcceptance::NotCompetent {
                reasons,
                competent_authority: "省级有关主管部门".into(),
                remedies,
            };
            let wd = self.rng.random_range(0..3);
            self.next(
                wd,
                &clerks,
                Role::Clerk,
                Command::RefuseAcceptance { outcome },
            );
            return false;
        }
        if roll < 20 {
            let items = vec![NoticeItem {
                material: "申请书".into(),
                problem: if self.chance(50) {
                    NoticeProblem::Missing
                } else {
                    NoticeProblem::Incorrect
                },
                detail: "补交加盖公章的材料原件".into(),
            }];
            let wd = self.rng.random_range(0..3);
            if !self.next(
                wd,
                &clerks,
                Role::Clerk,
                Command::IssueOneTimeNotice { items },
            ) {
                return false;
            }
            let roll = self.rng.random_range(0..100);
            if roll < 8 {
                let wd = self.rng.random_range(5..15);
                self.next(wd, &clerks, Role::Clerk, Command::Withdraw);
                return false;
            }
            let materials = vec![MaterialRef {
                name: "申请书（补正）".into(),
                sha256: Sha256Digest::of(format!("{}:supplement", self.index).as_bytes()),
            }];
            let wd = self.rng.random_range(1..8);
            if !self.next(
                wd,
                &clerks,
                Role::Clerk,
                Command::ReceiveSupplement { materials },
            ) {
                return false;
            }
            if roll < 14 {
                let (Some(reasons), Some(remedies)) = (
                    reasons("补正后的材料仍不符合法定形式"),
                    remedies(&self.place.name),
                ) else {
                    return false;
                };
                let outcome = NonAcceptance::MaterialsNotCorrected { reasons, remedies };
                self.next(
                    0,
                    &clerks,
                    Role::Clerk,
                    Command::RefuseAcceptance { outcome },
                );
                return false;
            }
            return self.next(0, &clerks, Role::Clerk, Command::Accept);
        }
        // Most applications are accepted at the window the day they arrive.
        let wd = if self.chance(75) {
            0
        } else {
            self.rng.random_range(1..3)
        };
        let Some(t) = self.later(wd) else {
            return false;
        };
        self.command(t, clerk, Role::Clerk, Command::Accept)
    }

    /// Reviews, perhaps a special procedure or an extension, the decision (some late), the
    /// delivery, the department's claim and perhaps a penalty.
    fn review_and_decide(&mut self, item: &Item) {
        let roster = self.place.roster.clone();
        let Some(first) = pick(&mut self.rng, &roster.reviewers).cloned() else {
            return;
        };
        let second: Vec<StaffId> = roster
            .reviewers
            .iter()
            .filter(|r| **r != first)
            .cloned()
            .collect();
        let Some(second) = pick(&mut self.rng, &second).cloned() else {
            return;
        };
        let Some(accepted) = self.decision_clock() else {
            return;
        };
        let (promised, statutory) = accepted;
        let wd = self.rng.random_range(0..3);
        let Some(t) = self.later(wd) else { return };
        if !self.command(t, &first, Role::Reviewer, review(ReviewKind::InitialReview)) {
            return;
        }
        if let Some(sp) = item.special_procedures.first()
            && self.chance(40)
        {
            let start = Command::StartSpecialProcedure {
                procedure: sp.kind,
                notice_reference: format!(
                    "特程告〔{}〕{}号",
                    legal_day(self.now).year(),
                    self.index
                ),
            };
            if !self.next(1, std::slice::from_ref(&first), Role::Reviewer, start) {
                return;
            }
            let wd = self.rng.random_range(3..12);
            if !self.next(
                wd,
                std::slice::from_ref(&first),
                Role::Reviewer,
                Command::EndSpecialProcedure,
            ) {
                return;
            }
        }
        let wd = self.rng.random_range(0..3);
        let Some(t) = self.later(wd) else { return };
        if !self.command(t, &second, Role::Reviewer, review(ReviewKind::Review)) {
            return;
        }
        // When the decision comes: mostly within the promise, some between the promise and the
        // statutory limit, a few late (overdue alerts); a few get an extension first.
        let today = legal_day(self.now);
        let roll = self.rng.random_range(0..100);
        let mut target = if roll < 78 {
            promised.max(today)
        } else if roll < 93 {
            statutory.max(today)
        } else {
            let late = self.rng.random_range(1..6);
            self.world
                .calendar
                .deadline(statutory.max(today), TimeLimit::working_days(late), &[])
                .map_or(statutory, |d| d.due)
        };
        if roll >= 90 && self.chance(40) {
            let days = self.rng.random_range(5..11);
            let extend = Command::ApproveExtension {
                authority: ExtensionAuthority::BureauHead,
                working_days: days,
                reason: "需补充核查申请材料的实质内容".into(),
                applicant_notified_on: Some(today),
            };
            let Some(t) = self.later(0) else { return };
            if self.command(t, &roster.head, Role::BureauHead, extend) {
                target = statutory;
            }
        }
        let span = self
            .world
            .calendar
            .working_days_between(today, target, &[])
            .unwrap_or(0);
        // Decisions within the promise mostly come well before it (the yellow card shows at
        // 90 % of it); the others land close to their target.
        let wd = match span {
            0 => 0,
            _ if roll < 78 => self.rng.random_range(0..=span * 3 / 5),
            _ => self.rng.random_range(span * 3 / 5..=span),
        };
        let refuse = self.chance(9);
        let decision = if refuse {
            let Some(refusal) = remedies(&self.place.name)
                .and_then(|r| Refusal::new(vec!["经审查，申请人不符合法定条件".into()], r).ok())
            else {
                return;
            };
            Decision::Refuse(refusal)
        } else {
            Decision::APPROVE
        };
        let Some(t) = self.later(wd) else { return };
        // The push's claim deadlines must be on the calendar too.
        if self
            .place
            .linkage
            .deadlines(&self.world.calendar, legal_day(t))
            .is_err()
        {
            return;
        }
        let Some(approver) = pick(&mut self.rng, &roster.approvers).cloned() else {
            return;
        };
        if !self.command(t, &approver, Role::Approver, Command::Decide { decision }) {
            return;
        }
        let decided = self.now;
        let method = match self.rng.random_range(0..3) {
            0 => DeliveryMethod::Window,
            1 => DeliveryMethod::Post,
            _ => DeliveryMethod::Electronic,
        };
        let wd = if self.chance(97) {
            self.rng.random_range(0..4)
        } else {
            self.rng.random_range(11..15)
        };
        let clerks = roster.clerks.clone();
        self.next(wd, &clerks, Role::Clerk, Command::Deliver { method });
        if refuse {
            return;
        }
        self.claim(decided);
    }

    /// The department claims the push: most within a day or two, some late (after reminders).
    fn claim(&mut self, decided: OffsetDateTime) {
        let wd = match self.rng.random_range(0..100) {
            0..82 => self.rng.random_range(0..3),
            82..96 => self.linkage_late(),
            _ => return,
        };
        let base = std::mem::replace(&mut self.now, decided);
        let t = self.later(wd);
        self.now = base;
        let Some(t) = t else { return };
        self.steps.push(Step {
            at: t,
            case: self.index,
            place: self.place_ix,
            act: Act::Claim,
            last: false,
            settled: false,
        });
        if self.chance(2) {
            let wd = self.rng.random_range(10..40);
            let base = std::mem::replace(&mut self.now, t);
            let later = self.later(wd);
            self.now = base;
            if let Some(p) = later {
                let revokes = self.chance(25);
                self.steps.push(Step {
                    at: p,
                    case: self.index,
                    place: self.place_ix,
                    act: Act::Penalty { revokes },
                    last: false,
                    settled: false,
                });
            }
        }
        self.steps.sort_by_key(|s| s.at);
        if let Some(s) = self.steps.last() {
            self.now = self.now.max(s.at);
        }
    }

    fn linkage_late(&mut self) -> u32 {
        let s = &self.place.linkage;
        s.claim_days + self.rng.random_range(1..=s.escalate_days.max(1) + 2)
    }

    /// The promised and statutory deadlines of the accepted case.
    fn decision_clock(&self) -> Option<(Date, Date)> {
        let case = self.case.as_ref()?;
        let clock = case
            .clock(&self.world.calendar, legal_day(self.now))
            .ok()?
            .decision?;
        Some((clock.promised.due, clock.statutory.due))
    }

    /// Most closed cases are rated; a few badly.
    fn rate(&mut self) {
        let closed = self.case.as_ref().is_some_and(Case::is_closed);
        if !closed || !self.chance(55) {
            return;
        }
        let level = match self.rng.random_range(0..1000) {
            0..700 => RatingLevel::VerySatisfied,
            700..900 => RatingLevel::Satisfied,
            900..960 => RatingLevel::Basic,
            960..988 => RatingLevel::Unsatisfied,
            _ => RatingLevel::VeryUnsatisfied,
        };
        let wd = self.rng.random_range(0..4);
        let Some(t) = self.later(wd) else { return };
        if level.is_bad()
            && self
                .world
                .calendar
                .deadline(legal_day(t), TimeLimit::working_days(15), &[])
                .is_err()
        {
            return;
        }
        let comment = match level {
            RatingLevel::VerySatisfied | RatingLevel::Satisfied => "办理高效，服务热情",
            RatingLevel::Basic => "流程还可以再简化",
            _ => "等待时间过长，补正要求前后不一致",
        };
        let last = self.steps.iter().map(|s| s.at).max().unwrap_or(t);
        let t = t.max(last + Duration::minutes(1));
        if t > self.world.end {
            return;
        }
        let channel = match self.rng.random_range(0..4) {
            0 => RatingChannel::Window,
            1 => RatingChannel::Online,
            2 => RatingChannel::Mobile,
            _ => RatingChannel::Hotline,
        };
        self.push(
            t,
            Act::Rate {
                level,
                channel,
                comment: comment.into(),
            },
        );
    }
}

fn review(step: ReviewKind) -> Command {
    Command::RecordReviewStep {
        step,
        opinion: "材料齐全，符合法定条件和标准".into(),
        substantive: true,
    }
}

fn reasons(text: &str) -> Option<oneseal_domain::case::Reasons> {
    oneseal_domain::case::Reasons::new(vec![text.to_owned()]).ok()
}

fn remedies(place: &str) -> Option<Remedies> {
    Remedies::new(format!("{place}人民政府"), format!("{place}人民法院")).ok()
}

/// The days' own steps: the rules' tick each morning and the linkage runner each working
/// evening, from the day after `first` (the seeding ran the first tick) to the end.
pub fn day_steps(world: &World) -> Vec<Step> {
    let mut out = Vec::new();
    let last = legal_day(world.end);
    let mut day = world.first_day;
    loop {
        if day > world.first_day {
            out.push(day_step(at(day, 7 * 60), Act::Tick));
        }
        if world.calendar.is_working_day(day).unwrap_or(false) {
            out.push(day_step(at(day, 17 * 60 + 45), Act::Runner));
        }
        match day.next_day() {
            Some(n) if n <= last => day = n,
            _ => break,
        }
    }
    out.retain(|s| s.at <= world.end);
    out
}

fn day_step(at: OffsetDateTime, act: Act) -> Step {
    Step {
        at,
        case: u32::MAX,
        place: 0,
        act,
        last: false,
        settled: false,
    }
}

/// 07:00 China Standard Time on `day`: when the history's organisation, seals and rules are
/// recorded, before the first application.
pub fn opening(day: Date) -> OffsetDateTime {
    at(day, 7 * 60)
}
