//! Test fixtures: staff, an item, an intake, and a harness that runs commands on dates.

use time::{Date, OffsetDateTime, Time};

use crate::calendar::Calendar;
use crate::catalog::{self, BasicCode, SpecialProcedure, SpecialProcedureKind};
use crate::org::{DivisionCode, Role, StaffId};

use super::person::tests::{company, person};
use super::{
    CHINA_STANDARD_TIME, Case, CaseContext, CaseError, CaseEvent, CaseNumber, Channel, Command,
    Intake, ItemSnapshot, MaterialRef, NoticeItem, NoticeProblem, QueryCode, Remedies, ReviewKind,
    Sha256Digest, StoredQueryCode,
};

pub(crate) const CLERK: &str = "CLERK-1";
pub(crate) const CLERK_2: &str = "CLERK-2";
pub(crate) const REVIEWER_A: &str = "REV-A";
pub(crate) const REVIEWER_B: &str = "REV-B";
pub(crate) const APPROVER: &str = "APPR-1";
pub(crate) const HEAD: &str = "HEAD-1";

pub(crate) fn cal() -> Calendar {
    Calendar::builtin().unwrap()
}

pub(crate) fn staff(id: &str) -> StaffId {
    StaffId::parse(id).unwrap()
}

/// 10:00 China Standard Time on `date`.
pub(crate) fn at(date: Date) -> OffsetDateTime {
    date.with_time(Time::from_hms(10, 0, 0).unwrap())
        .assume_offset(CHINA_STANDARD_TIME)
}

pub(crate) fn ctx<'a>(
    calendar: &'a Calendar,
    who: &str,
    roles: &[Role],
    on: Date,
) -> CaseContext<'a> {
    CaseContext {
        actor: staff(who),
        roles: roles.to_vec(),
        now: at(on),
        calendar,
    }
}

/// The role each fixture member of staff acts in.
pub(crate) fn role_of(who: &str) -> Role {
    match who {
        CLERK | CLERK_2 => Role::Clerk,
        REVIEWER_A | REVIEWER_B => Role::Reviewer,
        APPROVER => Role::Approver,
        _ => Role::BureauHead,
    }
}

/// An item with working-day limits and the given special procedures.
pub(crate) fn item(
    statutory: u32,
    promised: u32,
    procedures: &[SpecialProcedureKind],
) -> ItemSnapshot {
    ItemSnapshot {
        basic_code: BasicCode::parse("990100001000").unwrap(),
        name: "食品经营许可".into(),
        version: 3,
        statutory_limit: catalog::TimeLimit::working_days(statutory),
        promised_limit: catalog::TimeLimit::working_days(promised),
        special_procedures: procedures
            .iter()
            .map(|kind| SpecialProcedure {
                kind: *kind,
                limit: catalog::TimeLimit::working_days(15),
            })
            .collect(),
        joint_handling: false,
        legal: None,
        deferrable: Vec::new(),
    }
}

pub(crate) fn material(name: &str) -> MaterialRef {
    MaterialRef {
        name: name.into(),
        sha256: Sha256Digest::of(name.as_bytes()),
    }
}

pub(crate) fn intake(on: Date, item: ItemSnapshot, natural_person: bool) -> Intake {
    let division = DivisionCode::parse("370100").unwrap();
    Intake {
        case_number: CaseNumber::new(&division, on, 7).unwrap(),
        query_code: StoredQueryCode::Plain(QueryCode::from_random([1, 2, 3, 4, 5, 6, 7, 8])),
        channel: Channel::Online,
        item,
        applicant: if natural_person { person() } else { company() },
        materials: vec![material("申请书"), material("营业执照")],
        address: Some(crate::case::Address::checked(
            "济南市历下区泉城路1号".into(),
        )),
    }
}

pub(crate) fn notice_items() -> Vec<NoticeItem> {
    vec![
        NoticeItem {
            material: "食品安全管理制度".into(),
            problem: NoticeProblem::Missing,
            detail: "补交加盖公章的制度文本".into(),
        },
        NoticeItem {
            material: "申请书".into(),
            problem: NoticeProblem::Incorrect,
            detail: "法定代表人签字缺失".into(),
        },
    ]
}

pub(crate) fn remedies() -> Remedies {
    Remedies::new("济南市人民政府", "济南市历下区人民法院").unwrap()
}

pub(crate) fn review(step: ReviewKind, substantive: bool) -> Command {
    Command::RecordReviewStep {
        step,
        opinion: "材料齐全，符合法定条件".into(),
        substantive,
    }
}

/// A case under test: the calendar, the history so far, and commands run on given dates.
pub(crate) struct Harness {
    pub(crate) cal: Calendar,
    pub(crate) events: Vec<CaseEvent>,
}

impl Harness {
    /// A case received on `on` for `item` (an organisation applicant).
    pub(crate) fn received(on: Date, item: ItemSnapshot) -> Self {
        Self::received_from(on, item, false)
    }

    pub(crate) fn received_from(on: Date, item: ItemSnapshot, natural_person: bool) -> Self {
        let cal = cal();
        let events = Case::receive(
            intake(on, item, natural_person),
            &ctx(&cal, CLERK, &[Role::Clerk], on),
        )
        .unwrap();
        Self { cal, events }
    }

    /// Received and accepted on `on`, for a 20/10 WD item allowing expert review and hearings.
    pub(crate) fn accepted(on: Date) -> Self {
        let items = [
            SpecialProcedureKind::ExpertReview,
            SpecialProcedureKind::Hearing,
        ];
        let mut h = Self::received(on, item(20, 10, &items));
        h.run(CLERK, on, Command::Accept);
        h
    }

    /// Accepted on `on` and reviewed substantively by two reviewers the same day.
    pub(crate) fn reviewed(on: Date) -> Self {
        let mut h = Self::accepted(on);
        h.run(REVIEWER_A, on, review(ReviewKind::InitialReview, true));
        h.run(REVIEWER_B, on, review(ReviewKind::Review, true));
        h
    }

    pub(crate) fn case(&self) -> Case {
        Case::apply(&self.events).unwrap()
    }

    /// Runs `command` as `who` with explicit roles; appends the events on success.
    pub(crate) fn try_as(
        &mut self,
        who: &str,
        roles: &[Role],
        on: Date,
        command: Command,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        let case = self.case();
        let events = case.handle(command, &ctx(&self.cal, who, roles, on))?;
        self.events.extend(events.iter().cloned());
        Ok(events)
    }

    /// Runs `command` as `who` in their usual role.
    pub(crate) fn try_run(
        &mut self,
        who: &str,
        on: Date,
        command: Command,
    ) -> Result<Vec<CaseEvent>, CaseError> {
        self.try_as(who, &[role_of(who)], on, command)
    }

    pub(crate) fn run(&mut self, who: &str, on: Date, command: Command) -> Vec<CaseEvent> {
        self.try_run(who, on, command).unwrap()
    }
}
