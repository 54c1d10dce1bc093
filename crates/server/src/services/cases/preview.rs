//! What a final step will decide, shown before it is taken: the desk asks for confirmation of
//! a decision, a non-acceptance, a withdrawal or a delivery with this text in front of the
//! member of staff, because none of them can be undone once the seal is on it.
//!
//! The preview runs the step exactly as the writer would (`Case::handle` on the case as read
//! now) without recording anything, and names the document it would seal and the seal that
//! would sign it. It holds no personal data beyond the case page's: the applicant appears by
//! kind and public label (an organisation's name, "个人申请人" for a person).

use oneseal_domain::case::{
    Applicant, Case, CaseError, CaseEvent, Command, CommandKind, Decision, NonAcceptance,
};
use oneseal_store::Conn;

use super::acting::Acting;
use super::documents::{about_licence, bureau_and_seal, license_id, voucher_for};
use crate::services::sealing::SealingError;

/// The seal a document would be sealed with.
#[derive(Debug, Clone)]
pub struct PreviewSeal {
    /// GB/T 38540 esID.
    pub es_id: String,
    /// The name filed with the police (公安备案名称).
    pub name: String,
}

/// A final step as it would be taken now.
#[derive(Debug)]
pub struct Preview {
    pub step: CommandKind,
    /// The issuing bureau (`<jurisdiction>行政审批服务局`).
    pub bureau: String,
    pub case_number: String,
    pub item_code: String,
    pub item_name: String,
    /// 自然人 or 法人或其他组织.
    pub applicant_kind: &'static str,
    pub applicant: String,
    /// The sealed document's title, when the step issues one.
    pub document: Option<&'static str>,
    /// What will be decided, line by line: (label, text).
    pub lines: Vec<(&'static str, String)>,
    /// The seal that would sign, or why none can (only asked when a document is sealed).
    pub seal: Option<Result<PreviewSeal, SealingError>>,
    /// Why the case would refuse the step now; then nothing else is worth confirming.
    pub refused: Option<CaseError>,
}

/// The preview of `command` on `case` as `who` would take it now (`super::preview` loads the
/// case).
pub(super) fn build(
    conn: &mut dyn Conn,
    who: &Acting,
    case: &Case,
    command: Command,
) -> Result<Preview, SealingError> {
    let number = &case.received().case_number;
    let r = case.received();
    let bureau_name = oneseal_store::seals::bureau(conn, number.division().as_str())?
        .map(|b| format!("{}行政审批服务局", b.name_zh))
        .unwrap_or_default();
    let mut p = Preview {
        step: command.kind(),
        bureau: bureau_name,
        case_number: number.to_string(),
        item_code: r.item.basic_code.to_string(),
        item_name: r.item.name.clone(),
        applicant_kind: match r.applicant {
            Applicant::NaturalPerson { .. } => "自然人",
            Applicant::Organisation { .. } => "法人或其他组织",
        },
        applicant: r.applicant.public_label(),
        document: None,
        lines: describe(&command, case),
        seal: None,
        refused: None,
    };
    let events = match case.handle(command, &who.ctx()) {
        Ok(events) => events,
        Err(e) => {
            p.refused = Some(e);
            return Ok(p);
        }
    };
    for e in &events {
        let Some(voucher) = voucher_for(e, case)? else {
            continue;
        };
        let voucher = about_licence(voucher, case);
        p.document = Some(voucher.title);
        let seal = bureau_and_seal(conn, number.division().as_str(), who.now).map(|(b, s)| {
            if voucher.licensed {
                let id = license_id(&b.uscc, r.item.basic_code.as_str(), &r.case_number);
                p.lines.push(("将颁发的电子证照编号", id));
            }
            PreviewSeal {
                es_id: s.record.es_id,
                name: s.record.name,
            }
        });
        p.seal = Some(seal);
    }
    if let Some(CaseEvent::Accepted { deemed: true, .. }) = events.first() {
        p.lines
            .push(("受理方式", "视为受理（自收到申请材料之日起）".into()));
    }
    Ok(p)
}

/// The decided content of a step, in the words of the document that will carry it.
fn describe(command: &Command, case: &Case) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let reasons = |lines: &mut Vec<(&'static str, String)>, reasons: &[String]| {
        for (i, r) in reasons.iter().enumerate() {
            lines.push(("理由", format!("{}. {r}", i + 1)));
        }
    };
    match command {
        Command::Decide { decision } => {
            lines.push(("决定", decision.outcome().name_zh().to_owned()));
            match decision {
                Decision::Approve { .. } => {
                    if let Some(scope) = decision.granted_scope(&case.received().item) {
                        lines.push(("许可范围", scope));
                    }
                    // 容缺受理: the grant is made, its licence waits for the materials.
                    if let Some(d) = case.deferral().filter(|d| !d.outstanding().is_empty()) {
                        lines.push((
                            "证照",
                            format!(
                                "容缺受理的材料尚未补齐（约定{}前补交），证照待补齐并经核验后发放",
                                d.due
                            ),
                        ));
                    }
                }
                Decision::ApproveWithDeferredMaterials { materials } => {
                    lines.push(("容缺后补材料", materials.join("；")));
                }
                Decision::Refuse(refusal) => {
                    reasons(&mut lines, refusal.reasons());
                    lines.push(("救济途径", refusal.remedies().to_chinese()));
                }
            }
        }
        Command::RefuseAcceptance { outcome } => {
            lines.push(("决定", outcome.ground().name_zh().to_owned()));
            match outcome {
                NonAcceptance::NoLicenceNeeded { reasons: r } => reasons(&mut lines, r.as_slice()),
                NonAcceptance::NotCompetent {
                    reasons: r,
                    competent_authority,
                    remedies,
                } => {
                    reasons(&mut lines, r.as_slice());
                    lines.push(("告知申请人向有关行政机关申请", competent_authority.clone()));
                    lines.push(("救济途径", remedies.to_chinese()));
                }
                NonAcceptance::MaterialsNotCorrected {
                    reasons: r,
                    remedies,
                }
                | NonAcceptance::FalseMaterials {
                    reasons: r,
                    remedies,
                } => {
                    reasons(&mut lines, r.as_slice());
                    lines.push(("救济途径", remedies.to_chinese()));
                }
            }
        }
        Command::DecideOnSpot => {
            lines.push(("决定", "当场受理并准予行政许可".to_owned()));
            lines.push((
                "依据",
                format!(
                    "《中华人民共和国行政许可法》第三十四条第二款；{}",
                    case.on_the_spot_source().unwrap_or("—")
                ),
            ));
            lines.push((
                "签章文书",
                "受理通知书、准予行政许可决定书（同日作出）".to_owned(),
            ));
        }
        Command::Withdraw => {
            lines.push((
                "结果",
                "申请人撤回申请，办件终结（已撤件），不出具盖章文书".to_owned(),
            ));
        }
        Command::Deliver { method } => {
            let decided = case
                .decision()
                .map_or("—", |d| d.decision.outcome().name_zh());
            lines.push(("送达的决定", decided.to_owned()));
            lines.push(("送达方式", method.name_zh().to_owned()));
            lines.push(("结果", "送达后办件终结".to_owned()));
        }
        _ => {}
    }
    lines
}
