//! Approval–supervision linkage (审管互动): "谁审批谁负责、谁主管谁监管".
//!
//! The bureau decides; the department in charge of the item supervises afterwards. Every
//! decision becomes a *push* to that department, which must claim (认领) it within a number of
//! working days; an unclaimed push is reminded on its due date and escalated after a further
//! period. Departments send back *feedback*: supervision records, penalty results, Art. 64
//! notifications and changes of law or policy. Both are event-sourced here, with time and the
//! calendar passed in, so the same events always give the same state and the same due actions.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::Date;

use crate::calendar::{Calendar, CalendarError, TimeLimit};
use crate::org::{DepartmentCode, StaffId};

/// `Option<Date>` as an ISO date or null (time's generated option module rejects null).
pub(crate) mod opt_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => crate::calendar::iso_date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Option::<String>::deserialize(d)?
            .map(|s| Date::parse(&s, &format).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Default working days a department has to claim a push (domain.md §7).
pub const DEFAULT_CLAIM_DAYS: u32 = 2;
/// Default further working days after the claim due date before escalation.
pub const DEFAULT_ESCALATE_DAYS: u32 = 2;

/// Per-jurisdiction linkage settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkageSettings {
    pub claim_days: u32,
    pub escalate_days: u32,
}

impl Default for LinkageSettings {
    fn default() -> Self {
        Self {
            claim_days: DEFAULT_CLAIM_DAYS,
            escalate_days: DEFAULT_ESCALATE_DAYS,
        }
    }
}

impl LinkageSettings {
    /// Both periods must be at least one working day, and not absurd.
    pub fn validate(&self) -> Result<(), LinkageError> {
        let ok = |d: u32| (1..=60).contains(&d);
        if ok(self.claim_days) && ok(self.escalate_days) {
            Ok(())
        } else {
            Err(LinkageError::BadSettings)
        }
    }

    /// The claim due date and the escalation date for a push made on `pushed_on`.
    pub fn deadlines(
        &self,
        calendar: &Calendar,
        pushed_on: Date,
    ) -> Result<(Date, Date), CalendarError> {
        let due = calendar
            .deadline(pushed_on, TimeLimit::working_days(self.claim_days), &[])?
            .due;
        let escalate = calendar
            .deadline(due, TimeLimit::working_days(self.escalate_days), &[])?
            .due;
        Ok((due, escalate))
    }
}

/// What the bureau decided that the department must know about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushKind {
    Approval,
    Refusal,
    LicenceChanged,
    LicenceRenewed,
    LicenceWithdrawn,
    LicenceRevoked,
    LicenceCancelled,
    /// 容缺受理: the licence the decision held is issued once the deferred materials arrived
    /// (the decision's push named none).
    LicenceIssued,
}

impl PushKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            PushKind::Approval => "准予许可",
            PushKind::Refusal => "不予许可",
            PushKind::LicenceChanged => "许可变更",
            PushKind::LicenceRenewed => "许可延续",
            PushKind::LicenceWithdrawn => "许可撤回",
            PushKind::LicenceRevoked => "许可撤销",
            PushKind::LicenceCancelled => "许可注销",
            PushKind::LicenceIssued => "证照发放",
        }
    }
}

/// Who claimed: a signed-in department user, or a department system by its API token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Claimant {
    Staff(StaffId),
    Token(String),
}

impl Claimant {
    pub fn label(&self) -> String {
        match self {
            Claimant::Staff(s) => s.to_string(),
            Claimant::Token(t) => format!("token:{t}"),
        }
    }
}

/// The facts of a new push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushCreated {
    pub push_id: String,
    pub kind: PushKind,
    pub case_number: String,
    pub licence_id: Option<String>,
    pub item_code: String,
    pub item_name: String,
    /// `None`: the item has no supervising department registered here — flagged, never dropped.
    pub department: Option<DepartmentCode>,
    pub responsible: Option<StaffId>,
    #[serde(with = "crate::calendar::iso_date")]
    pub pushed_on: Date,
    #[serde(with = "opt_date")]
    pub claim_due: Option<Date>,
    #[serde(with = "opt_date")]
    pub escalate_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PushEvent {
    Created(PushCreated),
    /// The bureau routed an unmapped push to a department.
    Assigned {
        department: DepartmentCode,
        by: StaffId,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        #[serde(with = "crate::calendar::iso_date")]
        claim_due: Date,
        #[serde(with = "crate::calendar::iso_date")]
        escalate_on: Date,
    },
    /// The due date came and the push was not claimed.
    Reminded {
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
    },
    /// Still unclaimed after the further period: the department head and the bureau's
    /// inspectors are told.
    Escalated {
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        department: DepartmentCode,
        inspectors: Vec<StaffId>,
    },
    Claimed {
        department: DepartmentCode,
        by: Claimant,
        #[serde(with = "crate::calendar::iso_date")]
        on: Date,
        late: bool,
    },
}

impl PushEvent {
    pub fn kind(&self) -> &'static str {
        match self {
            PushEvent::Created(_) => "created",
            PushEvent::Assigned { .. } => "assigned",
            PushEvent::Reminded { .. } => "reminded",
            PushEvent::Escalated { .. } => "escalated",
            PushEvent::Claimed { .. } => "claimed",
        }
    }
}

/// Where a push stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushStatus {
    Unmapped,
    AwaitingClaim,
    Claimed,
    ClaimedLate,
}

impl PushStatus {
    pub fn code(self) -> &'static str {
        match self {
            PushStatus::Unmapped => "unmapped",
            PushStatus::AwaitingClaim => "awaiting_claim",
            PushStatus::Claimed => "claimed",
            PushStatus::ClaimedLate => "claimed_late",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            PushStatus::Unmapped => "未配置监管部门",
            PushStatus::AwaitingClaim => "待认领",
            PushStatus::Claimed => "已认领",
            PushStatus::ClaimedLate => "逾期认领",
        }
    }
}

/// A push, as its events leave it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Push {
    pub created: PushCreated,
    pub department: Option<DepartmentCode>,
    #[serde(with = "opt_date")]
    pub claim_due: Option<Date>,
    #[serde(with = "opt_date")]
    pub escalate_on: Option<Date>,
    #[serde(with = "opt_date")]
    pub reminded_on: Option<Date>,
    #[serde(with = "opt_date")]
    pub escalated_on: Option<Date>,
    pub claimed: Option<Claim>,
}

/// Who claimed a push, when, and whether after its due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub by: Claimant,
    #[serde(with = "crate::calendar::iso_date")]
    pub on: Date,
    pub late: bool,
}

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum LinkageError {
    #[error("a push's history must start with its creation")]
    NotCreated,
    #[error("the push is already claimed")]
    AlreadyClaimed,
    #[error("the push belongs to another department")]
    WrongDepartment,
    #[error("the push has no supervising department yet")]
    Unmapped,
    #[error("the push already has a supervising department")]
    AlreadyMapped,
    #[error("claim and escalation periods must be 1 to 60 working days")]
    BadSettings,
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

impl LinkageError {
    pub fn code(&self) -> &'static str {
        match self {
            LinkageError::NotCreated => "push_corrupt",
            LinkageError::AlreadyClaimed => "push_already_claimed",
            LinkageError::WrongDepartment => "forbidden_department",
            LinkageError::Unmapped => "push_unmapped",
            LinkageError::AlreadyMapped => "push_already_mapped",
            LinkageError::BadSettings => "bad_linkage_settings",
            LinkageError::Empty(_) => "missing_field",
        }
    }
    pub fn message_zh(&self) -> String {
        match self {
            LinkageError::NotCreated => "推送记录不完整".into(),
            LinkageError::AlreadyClaimed => "该推送已被认领".into(),
            LinkageError::WrongDepartment => "该推送属于其他部门，不能认领".into(),
            LinkageError::Unmapped => "该推送尚未配置监管部门".into(),
            LinkageError::AlreadyMapped => "该推送已有监管部门".into(),
            LinkageError::BadSettings => "认领期限和升级期限应为1至60个工作日".into(),
            LinkageError::Empty(f) => format!("{f}不能为空"),
        }
    }
}

impl Push {
    pub fn apply(events: &[PushEvent]) -> Result<Push, LinkageError> {
        let Some(PushEvent::Created(c)) = events.first() else {
            return Err(LinkageError::NotCreated);
        };
        let mut p = Push {
            department: c.department.clone(),
            claim_due: c.claim_due,
            escalate_on: c.escalate_on,
            created: c.clone(),
            reminded_on: None,
            escalated_on: None,
            claimed: None,
        };
        for e in events.iter().skip(1) {
            match e {
                PushEvent::Created(_) => return Err(LinkageError::NotCreated),
                PushEvent::Assigned {
                    department,
                    claim_due,
                    escalate_on,
                    ..
                } => {
                    p.department = Some(department.clone());
                    p.claim_due = Some(*claim_due);
                    p.escalate_on = Some(*escalate_on);
                }
                PushEvent::Reminded { on } => p.reminded_on = Some(*on),
                PushEvent::Escalated { on, .. } => p.escalated_on = Some(*on),
                PushEvent::Claimed { by, on, late, .. } => {
                    p.claimed = Some(Claim {
                        by: by.clone(),
                        on: *on,
                        late: *late,
                    })
                }
            }
        }
        Ok(p)
    }

    pub fn status(&self) -> PushStatus {
        match (&self.claimed, &self.department) {
            (Some(c), _) if c.late => PushStatus::ClaimedLate,
            (Some(_), _) => PushStatus::Claimed,
            (None, None) => PushStatus::Unmapped,
            (None, Some(_)) => PushStatus::AwaitingClaim,
        }
    }

    /// Unclaimed on `today` with the due date passed.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.claimed.is_none() && self.claim_due.is_some_and(|d| today > d)
    }

    /// The department `department` claims the push on `today`; late after the due date.
    pub fn claim(
        &self,
        department: &DepartmentCode,
        by: Claimant,
        today: Date,
    ) -> Result<PushEvent, LinkageError> {
        if self.claimed.is_some() {
            return Err(LinkageError::AlreadyClaimed);
        }
        match &self.department {
            None => Err(LinkageError::Unmapped),
            Some(d) if d != department => Err(LinkageError::WrongDepartment),
            Some(d) => Ok(PushEvent::Claimed {
                department: d.clone(),
                by,
                on: today,
                late: self.claim_due.is_some_and(|due| today > due),
            }),
        }
    }

    /// The bureau routes an unmapped push; the claim period starts on `today`.
    pub fn assign(
        &self,
        department: DepartmentCode,
        by: StaffId,
        today: Date,
        deadlines: (Date, Date),
    ) -> Result<PushEvent, LinkageError> {
        if self.department.is_some() {
            return Err(LinkageError::AlreadyMapped);
        }
        Ok(PushEvent::Assigned {
            department,
            by,
            on: today,
            claim_due: deadlines.0,
            escalate_on: deadlines.1,
        })
    }

    /// What the calendar demands on `today`: the reminder on (or after) the due date, the
    /// escalation once the escalation date is reached. Deterministic in `today`.
    pub fn due_actions(&self, today: Date, inspectors: &[StaffId]) -> Vec<PushEvent> {
        let mut out = Vec::new();
        let (Some(dept), None) = (&self.department, &self.claimed) else {
            return out;
        };
        if self.reminded_on.is_none() && self.claim_due.is_some_and(|d| today >= d) {
            out.push(PushEvent::Reminded { on: today });
        }
        if self.escalated_on.is_none() && self.escalate_on.is_some_and(|d| today >= d) {
            out.push(PushEvent::Escalated {
                on: today,
                department: dept.clone(),
                inspectors: inspectors.to_vec(),
            });
        }
        out
    }
}

/// The result of an inspection of a licensed subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    Compliant,
    RectificationOrdered,
    ViolationFound,
}

/// What a department sends back to the bureau.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FeedbackBody {
    /// 监管记录: an inspection linked to a licence.
    SupervisionRecord {
        licence_id: String,
        #[serde(with = "crate::calendar::iso_date")]
        inspected_on: Date,
        result: InspectionResult,
        summary: String,
    },
    /// 处罚结果: a penalty decision on a licence; `revokes` = 吊销许可证件.
    Penalty {
        licence_id: String,
        decision_ref: String,
        summary: String,
        revokes: bool,
    },
    /// Art. 64 抄告: a violation outside the licensing area, for the bureau's information.
    ViolationNotice {
        subject: String,
        item_code: Option<String>,
        summary: String,
    },
    /// A change of law or policy: marks every catalog item citing it and lists what it touches.
    PolicyChange {
        law: String,
        articles: Vec<String>,
        summary: String,
        #[serde(with = "crate::calendar::iso_date")]
        effective_on: Date,
    },
}

impl FeedbackBody {
    pub fn kind(&self) -> &'static str {
        match self {
            FeedbackBody::SupervisionRecord { .. } => "supervision_record",
            FeedbackBody::Penalty { .. } => "penalty",
            FeedbackBody::ViolationNotice { .. } => "violation_notice",
            FeedbackBody::PolicyChange { .. } => "policy_change",
        }
    }
    pub fn name_zh(&self) -> &'static str {
        match self {
            FeedbackBody::SupervisionRecord { .. } => "监管记录",
            FeedbackBody::Penalty { .. } => "处罚结果",
            FeedbackBody::ViolationNotice { .. } => "违法行为抄告",
            FeedbackBody::PolicyChange { .. } => "法律政策变更",
        }
    }
    pub fn licence_id(&self) -> Option<&str> {
        match self {
            FeedbackBody::SupervisionRecord { licence_id, .. }
            | FeedbackBody::Penalty { licence_id, .. } => Some(licence_id),
            _ => None,
        }
    }

    /// Required text fields are present.
    pub fn validate(&self) -> Result<(), LinkageError> {
        let need = |s: &str, f: &'static str| {
            if s.trim().is_empty() {
                Err(LinkageError::Empty(f))
            } else {
                Ok(())
            }
        };
        match self {
            FeedbackBody::SupervisionRecord { summary, .. } => need(summary, "summary"),
            FeedbackBody::Penalty { decision_ref, .. } => need(decision_ref, "decision_ref"),
            FeedbackBody::ViolationNotice {
                subject, summary, ..
            } => need(subject, "subject").and(need(summary, "summary")),
            FeedbackBody::PolicyChange { law, summary, .. } => {
                need(law, "law").and(need(summary, "summary"))
            }
        }
    }
}

/// How the log names the target of a refused attempt on an id that does not exist: its kind (a
/// fixed word such as `push` or `licence`), its length in bytes and the hex SHA-256 of
/// `salt || sent`. The text itself — which a department can make anything, an ID number or a name
/// included — never reaches the log; whoever holds the private body's salt and is shown the text
/// can still confirm it.
pub fn refused_target(kind: &str, sent: &str, salt: &[u8]) -> String {
    format!(
        "{kind}:unknown:len={}:sha256={}",
        sent.len(),
        crate::canonical::commitment(salt, sent.as_bytes())
    )
}

/// What a change of law or policy touches, computed when it arrives and recorded with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Impact {
    pub items: Vec<String>,
    pub open_cases: Vec<String>,
    pub valid_licences: Vec<String>,
}

/// Whether an item citing `basis` (law, article) is touched by a change of `law` at
/// `articles` (none listed = the whole law). Law names compare without spaces or the
/// 《》 quotes people type.
pub fn cites(basis_law: &str, basis_article: Option<&str>, law: &str, articles: &[String]) -> bool {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '《' | '》'))
            .collect::<String>()
    };
    if norm(basis_law) != norm(law) {
        return false;
    }
    articles.is_empty()
        || basis_article.is_some_and(|a| articles.iter().any(|x| norm(x) == norm(a)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    fn dept(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    fn created(department: Option<&str>) -> PushCreated {
        PushCreated {
            push_id: "P1".into(),
            kind: PushKind::Approval,
            case_number: "1".into(),
            licence_id: Some("L".into()),
            item_code: "I".into(),
            item_name: "n".into(),
            department: department.map(dept),
            responsible: None,
            pushed_on: date!(2026 - 11 - 23),
            claim_due: department.map(|_| date!(2026 - 11 - 25)),
            escalate_on: department.map(|_| date!(2026 - 11 - 27)),
        }
    }

    #[test]
    fn deadlines_count_working_days_over_a_weekend() {
        let cal = Calendar::builtin().unwrap();
        let s = LinkageSettings::default();
        // Thursday 2026-11-26: +2 working days = Monday 30th; +2 more = Wednesday 2 December.
        let (due, esc) = s.deadlines(&cal, date!(2026 - 11 - 26)).unwrap();
        assert_eq!(due, date!(2026 - 11 - 30));
        assert_eq!(esc, date!(2026 - 12 - 02));
    }

    #[test]
    fn reminder_then_escalation_then_late_claim() {
        let p = Push::apply(&[PushEvent::Created(created(Some("SCJG")))]).unwrap();
        assert!(p.due_actions(date!(2026 - 11 - 24), &[]).is_empty());
        let on_due = p.due_actions(date!(2026 - 11 - 25), &[]);
        assert_eq!(
            on_due,
            vec![PushEvent::Reminded {
                on: date!(2026 - 11 - 25)
            }]
        );
        let mut events = vec![PushEvent::Created(created(Some("SCJG")))];
        events.extend(on_due);
        let p = Push::apply(&events).unwrap();
        assert!(p.due_actions(date!(2026 - 11 - 26), &[]).is_empty());
        let esc = p.due_actions(date!(2026 - 11 - 27), &[]);
        assert_eq!(esc.len(), 1);
        events.extend(esc);
        let p = Push::apply(&events).unwrap();
        assert!(p.is_overdue(date!(2026 - 11 - 27)));
        let c = p
            .claim(
                &dept("SCJG"),
                Claimant::Token("t".into()),
                date!(2026 - 11 - 27),
            )
            .unwrap();
        events.push(c);
        let p = Push::apply(&events).unwrap();
        assert_eq!(p.status(), PushStatus::ClaimedLate);
        assert!(p.due_actions(date!(2026 - 12 - 30), &[]).is_empty());
        assert_eq!(
            p.claim(
                &dept("SCJG"),
                Claimant::Token("t".into()),
                date!(2026 - 11 - 27)
            ),
            Err(LinkageError::AlreadyClaimed)
        );
    }

    #[test]
    fn claims_on_time_by_the_right_department_only() {
        let p = Push::apply(&[PushEvent::Created(created(Some("SCJG")))]).unwrap();
        assert_eq!(
            p.claim(
                &dept("ZJ"),
                Claimant::Token("t".into()),
                date!(2026 - 11 - 24)
            ),
            Err(LinkageError::WrongDepartment)
        );
        let c = p
            .claim(
                &dept("SCJG"),
                Claimant::Token("t".into()),
                date!(2026 - 11 - 25),
            )
            .unwrap();
        assert!(matches!(c, PushEvent::Claimed { late: false, .. }));
    }

    #[test]
    fn an_unmapped_push_is_flagged_until_assigned() {
        let p = Push::apply(&[PushEvent::Created(created(None))]).unwrap();
        assert_eq!(p.status(), PushStatus::Unmapped);
        assert!(p.due_actions(date!(2027 - 01 - 01), &[]).is_empty());
        assert_eq!(
            p.claim(
                &dept("SCJG"),
                Claimant::Token("t".into()),
                date!(2026 - 11 - 24)
            ),
            Err(LinkageError::Unmapped)
        );
        let a = p
            .assign(
                dept("SCJG"),
                StaffId::parse("ADMIN").unwrap(),
                date!(2026 - 11 - 24),
                (date!(2026 - 11 - 26), date!(2026 - 11 - 30)),
            )
            .unwrap();
        let p = Push::apply(&[PushEvent::Created(created(None)), a]).unwrap();
        assert_eq!(p.status(), PushStatus::AwaitingClaim);
        assert!(
            p.assign(
                dept("ZJ"),
                StaffId::parse("ADMIN").unwrap(),
                date!(2026 - 11 - 24),
                (date!(2026 - 11 - 26), date!(2026 - 11 - 30))
            )
            .is_err()
        );
    }

    #[test]
    fn policy_citations_match_law_and_article() {
        let arts = vec!["第十二条".to_owned()];
        assert!(cites(
            "中华人民共和国行政许可法",
            Some("第十二条"),
            "《中华人民共和国行政许可法》",
            &arts
        ));
        assert!(!cites(
            "中华人民共和国行政许可法",
            Some("第十三条"),
            "中华人民共和国行政许可法",
            &arts
        ));
        assert!(cites(
            "中华人民共和国行政许可法",
            None,
            "中华人民共和国行政许可法",
            &[]
        ));
        assert!(!cites(
            "中华人民共和国食品安全法",
            Some("第十二条"),
            "中华人民共和国行政许可法",
            &arts
        ));
    }

    #[test]
    fn pushes_round_trip_through_json_with_and_without_dates() {
        for c in [created(None), created(Some("SCJG"))] {
            let e = PushEvent::Created(c);
            let json = serde_json::to_string(&e).unwrap();
            assert!(!json.contains("[2026"), "{json}");
            assert_eq!(serde_json::from_str::<PushEvent>(&json).unwrap(), e);
        }
    }

    #[test]
    fn an_unknown_target_is_named_by_length_and_salted_hash_only() {
        let sent = "370102198802147351 欧阳隐秘";
        let t = refused_target("push", sent, &[7; 16]);
        assert!(!t.contains("370102") && !t.contains("欧阳"), "{t}");
        assert!(
            t.starts_with(&format!("push:unknown:len={}:sha256=", sent.len())),
            "{t}"
        );
        assert_ne!(
            t,
            refused_target("push", sent, &[8; 16]),
            "the salt matters"
        );
        assert!(refused_target("push", &"x".repeat(70_000), &[7; 16]).len() < 120);
    }

    #[test]
    fn settings_are_bounded() {
        assert!(LinkageSettings::default().validate().is_ok());
        assert!(
            LinkageSettings {
                claim_days: 0,
                escalate_days: 2
            }
            .validate()
            .is_err()
        );
        assert!(
            LinkageSettings {
                claim_days: 2,
                escalate_days: 61
            }
            .validate()
            .is_err()
        );
    }
}
