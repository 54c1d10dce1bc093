//! The case page's interested parties and hearing (Licensing Law Art. 36, 46–48): the acts as
//! recorded, and one small form for each act the visitor may take now.
//!
//! Apart from `cases.rs` and `case_desk.rs` because it is one procedure with its own fields.
//! What the parties said (Art. 36) was typed by staff about people who are not the applicant:
//! it is shown only to those who weigh it — reviewers, approving officials and the head — and
//! the others see that a statement was recorded, not what it says. The page is staff-only;
//! nothing here reaches the public progress page, which reads the timeline's neutral labels.

use oneseal_domain::case::{
    AllowedAction, CaseEvent, ClosedGround, HearingAct, HearingActKind, HearingGround, Requester,
};
use oneseal_domain::org::Role;

use crate::services::names::Names;

/// One recorded act, as the case page lists it.
pub struct HearingRow {
    pub on: String,
    pub act: &'static str,
    pub by: String,
    /// What the act says, without the statement's text.
    pub detail: String,
    /// The statement's text, for those who may read it.
    pub statement: Option<String>,
}

/// One act the visitor may take now, with the bounds of its form.
pub struct HearingForm {
    pub act: &'static str,
    pub name_zh: &'static str,
}

/// What the page draws of the hearing.
#[derive(Default)]
pub struct HearingDesk {
    pub rows: Vec<HearingRow>,
    /// Whether statements are shown to this visitor.
    pub may_read: bool,
    pub forms: Vec<HearingForm>,
    /// Who may preside: (id, label), the case's reviewers left out (Art. 48(1)(3)).
    pub presiding: Vec<(String, String)>,
    /// The hearing day's bounds: 7 days ahead, and for a requested hearing the 20th working day.
    pub held_from: String,
    pub held_to: String,
}

/// The roles that weigh the parties' statements.
fn may_read(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| matches!(r, Role::Reviewer | Role::Approver | Role::BureauHead))
}

fn requester_zh(r: Requester) -> &'static str {
    match r {
        Requester::Applicant => "申请人",
        Requester::InterestedParty => "利害关系人",
    }
}

fn ground_zh(g: HearingGround) -> &'static str {
    match g {
        HearingGround::LawRequires => "法律、法规、规章规定应当听证",
        HearingGround::PublicInterest => "涉及公共利益的重大行政许可事项",
    }
}

fn closed_zh(g: ClosedGround) -> &'static str {
    match g {
        ClosedGround::StateSecret => "涉及国家秘密",
        ClosedGround::TradeSecret => "涉及商业秘密",
        ClosedGround::Privacy => "涉及个人隐私",
    }
}

/// The hearing desk of a case for a visitor with `roles` offered `allowed`.
pub fn desk(
    events: &[CaseEvent],
    allowed: &[AllowedAction],
    roles: &[Role],
    names: &Names,
    division: &str,
) -> HearingDesk {
    let read = may_read(roles);
    let rows = events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::Hearing(h) => Some(h),
            _ => None,
        })
        .map(|h| {
            let (detail, statement) = match &h.act {
                HearingAct::FindMajorInterests => (String::new(), None),
                HearingAct::NotifyParties {
                    parties,
                    notice_reference,
                } => (
                    if read {
                        format!("{}；{notice_reference}", parties.join("、"))
                    } else {
                        format!("{}名；{notice_reference}", parties.len())
                    },
                    None,
                ),
                HearingAct::RecordStatement { party, statement } => (
                    if read { party.clone() } else { String::new() },
                    read.then(|| statement.clone()),
                ),
                HearingAct::NotifyRight { notice_reference } => (notice_reference.clone(), None),
                HearingAct::Request {
                    requester,
                    notice_reference,
                } => (
                    format!("{}申请；{notice_reference}", requester_zh(*requester)),
                    None,
                ),
                HearingAct::Announce {
                    ground,
                    notice_reference,
                } => (format!("{}；{notice_reference}", ground_zh(*ground)), None),
                HearingAct::Schedule {
                    presiding,
                    held_on,
                    place,
                    open_to_public,
                    closed_ground,
                    notice_reference,
                } => (
                    format!(
                        "{held_on}，{place}；主持人{}；{}；{notice_reference}",
                        names.staff(presiding.as_str()),
                        if *open_to_public {
                            "公开举行"
                        } else {
                            closed_ground.map_or("不公开", closed_zh)
                        }
                    ),
                    None,
                ),
                HearingAct::Reschedule {
                    held_on,
                    place,
                    reason,
                    notice_reference,
                } => (
                    if read {
                        format!("改于{held_on}，{place}；事由：{reason}；{notice_reference}")
                    } else {
                        format!("改于{held_on}，{place}；{notice_reference}")
                    },
                    None,
                ),
                HearingAct::CloseRecord {
                    record_reference, ..
                } => (format!("{record_reference}（参加人已签字或盖章）"), None),
            };
            HearingRow {
                on: h.on.to_string(),
                act: h.act.kind().name_zh(),
                by: names.staff(h.by.as_str()),
                detail,
                statement,
            }
        })
        .collect();
    let mut out = HearingDesk {
        rows,
        may_read: read,
        ..HearingDesk::default()
    };
    if let Some(offer) = allowed.iter().find_map(|a| match a {
        AllowedAction::Hearing(o) => Some(o),
        _ => None,
    }) {
        out.forms = offer
            .acts
            .iter()
            .map(|k: &HearingActKind| HearingForm {
                act: k.code(),
                name_zh: k.name_zh(),
            })
            .collect();
        out.presiding = names.eligible(
            division,
            &[Role::Reviewer, Role::Approver, Role::BureauHead],
            &offer.not_presiding,
        );
        out.held_from = offer.held_from.map(|d| d.to_string()).unwrap_or_default();
        out.held_to = offer.held_to.map(|d| d.to_string()).unwrap_or_default();
    }
    out
}
