//! What the public progress page names of a one-time notice the applicant still has to answer
//! (issue #19 item 8): the materials ticked from the item's published checklist, each with what
//! to do in plain words. A material typed by hand and the note are words a member of staff
//! wrote (they may name people): the page only counts them and points to the notice itself,
//! which the applicant downloads with the query code.

use oneseal_domain::case::{CaseEvent, CaseNumber, CaseStatus, NoticeItem, NoticeProblem};
use oneseal_store::Conn;
use time::Date;

use crate::services::cases::load;
use crate::services::materials::{MaterialError, checklist};

/// One material to hand in or correct, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingMaterial {
    /// The name as the catalog publishes it.
    pub name: String,
    /// What to do, in plain words.
    pub what_zh: &'static str,
}

/// The pending one-time notice as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicNotice {
    /// The notice's date.
    pub on: Date,
    /// The checklist's materials it names.
    pub materials: Vec<MissingMaterial>,
    /// How many other entries it has (typed by hand: only on the notice itself).
    pub others: usize,
}

fn plain(problem: NoticeProblem) -> &'static str {
    match problem {
        NoticeProblem::Missing => "缺少，请补交",
        NoticeProblem::Incorrect => "不符合要求，请更正后重新提交",
    }
}

/// The notice's entries split into the published checklist's materials (`listed`) and the rest.
#[must_use]
pub fn public_notice(items: &[NoticeItem], on: Date, listed: &[String]) -> PublicNotice {
    let mut materials: Vec<MissingMaterial> = Vec::new();
    let mut others = 0;
    for i in items {
        if listed.iter().any(|n| n == &i.material) {
            if !materials.iter().any(|m| m.name == i.material) {
                materials.push(MissingMaterial {
                    name: i.material.clone(),
                    what_zh: plain(i.problem),
                });
            }
        } else {
            others += 1;
        }
    }
    PublicNotice {
        on,
        materials,
        others,
    }
}

/// The one-time notice case `number` awaits an answer to, if it is waiting for one.
///
/// # Errors
/// A store failure, or a case or catalog item that does not read.
pub fn pending_notice(
    conn: &mut dyn Conn,
    number: &CaseNumber,
) -> Result<Option<PublicNotice>, MaterialError> {
    let (case, events) = load(conn, number)?;
    if case.status() != CaseStatus::SupplementStarted {
        return Ok(None);
    }
    let Some((items, on)) = events.iter().rev().find_map(|e| match e {
        CaseEvent::OneTimeNoticeIssued { items, on, .. } => Some((items, *on)),
        _ => None,
    }) else {
        return Ok(None);
    };
    let listed: Vec<String> = checklist(conn, number, &case.received().item)?
        .into_iter()
        .map(|m| m.name)
        .collect();
    Ok(Some(public_notice(items, on, &listed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(material: &str, problem: NoticeProblem, detail: &str) -> NoticeItem {
        NoticeItem {
            material: material.into(),
            problem,
            detail: detail.into(),
        }
    }

    #[test]
    fn only_the_checklists_materials_are_named_and_never_the_note() {
        let on = time::macros::date!(2026 - 12 - 07);
        let listed = ["营业执照".to_owned(), "食品安全管理制度".to_owned()];
        let items = [
            item(
                "营业执照",
                NoticeProblem::Missing,
                "张三的身份证复印件也请带来",
            ),
            item("食品安全管理制度", NoticeProblem::Incorrect, "请加盖公章"),
            item("王五手写的说明", NoticeProblem::Missing, "13812345678"),
            item("营业执照", NoticeProblem::Missing, "重复"),
        ];
        let n = public_notice(&items, on, &listed);
        assert_eq!(
            n.materials,
            [
                MissingMaterial {
                    name: "营业执照".into(),
                    what_zh: "缺少，请补交"
                },
                MissingMaterial {
                    name: "食品安全管理制度".into(),
                    what_zh: "不符合要求，请更正后重新提交"
                },
            ]
        );
        assert_eq!(n.others, 1);
        let shown = format!("{n:?}");
        for typed in ["张三", "王五", "13812345678", "公章"] {
            assert!(!shown.contains(typed), "{shown}");
        }
    }
}
