//! 听证通知书 (Licensing Law Art. 48(1)(1)): the written notice of a hearing's day and place,
//! which also tells the applicant that the hearing's time is not counted in the decision limit
//! (Art. 45). Apart from `sheets.rs`, which keeps one hook line per place.
//!
//! Unsealed, like the other notices of the running procedure. It prints no interested party and
//! no statement: it is the applicant's paper. After a postponement (听证延期) it is the new
//! notice: the new day, place and reference, dated the day of the postponement, naming the day
//! first noticed; the postponement's reason (typed by staff) is not printed.

use oneseal_domain::case::{CaseEvent, ClosedGround, HearingAct};
use oneseal_pdf::{Block, Sheet};
use time::{Date, OffsetDateTime};

use super::super::model::{PrintingError, Sources};

/// The printable kind.
pub(super) const HEARING: &str = "hearing_notice";

/// The listing line, once a hearing is noticed.
pub(super) fn listed(s: &Sources) -> Option<(&'static str, String, bool)> {
    s.events
        .iter()
        .any(|e| matches!(e, CaseEvent::Hearing(h) if matches!(h.act, HearingAct::Schedule { .. })))
        .then(|| (HEARING, "听证通知书".to_owned(), false))
}

/// How `sheets.rs` writes a date and the start of a day (passed in, so this module does not
/// import its parent).
pub(super) struct Dates {
    pub(super) zh: fn(Date) -> String,
    pub(super) start: fn(Date) -> OffsetDateTime,
}

/// Fills `sheet`; the issue time is the notice's day.
pub(super) fn fill(
    s: &Sources,
    sheet: &mut Sheet,
    to: Block,
    (item, number): (&str, &str),
    dates: &Dates,
) -> Result<OffsetDateTime, PrintingError> {
    let date_zh = dates.zh;
    let started = s.case.hearing().started_on();
    let Some((
        on,
        HearingAct::Schedule {
            held_on,
            place,
            open_to_public,
            closed_ground,
            notice_reference,
            ..
        },
    )) = s.events.iter().rev().find_map(|e| match e {
        CaseEvent::Hearing(h) if matches!(h.act, HearingAct::Schedule { .. }) => {
            Some((h.on, &h.act))
        }
        _ => None,
    })
    else {
        return Err(PrintingError::NoSuchDocument);
    };
    // The latest postponement, if any, gives the day, place, reference and date of the notice.
    let first_day = *held_on;
    let (on, held_on, place, notice_reference) = s
        .events
        .iter()
        .rev()
        .find_map(|e| match e {
            CaseEvent::Hearing(h) => match &h.act {
                HearingAct::Reschedule {
                    held_on,
                    place,
                    notice_reference,
                    ..
                } => Some((h.on, held_on, place, notice_reference)),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or((on, held_on, place, notice_reference));
    let how = if *open_to_public {
        "公开举行".to_owned()
    } else {
        let why = match closed_ground {
            Some(ClosedGround::StateSecret) => "涉及国家秘密",
            Some(ClosedGround::TradeSecret) => "涉及商业秘密",
            Some(ClosedGround::Privacy) | None => "涉及个人隐私",
        };
        format!("不公开举行（{why}）")
    };
    sheet.title = "听证通知书".into();
    sheet.number.clone_from(notice_reference);
    let mut blocks = vec![
        to,
        Block::Para(format!(
            "你（单位）申请的{item}（办件编号：{number}）将举行听证。根据《中华人民共和国行政许可法》\
             第四十八条的规定，现将听证的时间、地点通知如下。听证由本局指定的审查该申请以外的工作人员主持；\
             申请人、利害关系人认为主持人与该行政许可事项有直接利害关系的，有权申请回避。"
        )),
        Block::Field("听证时间".into(), date_zh(*held_on)),
        Block::Field("听证地点".into(), place.clone()),
        Block::Field("举行方式".into(), how),
    ];
    if *held_on != first_day {
        blocks.push(Block::Para(format!(
            "原定于{}举行的听证延期举行，以本通知为准。",
            date_zh(first_day)
        )));
    }
    if let Some(from) = started {
        blocks.push(Block::Para(format!(
            "根据《中华人民共和国行政许可法》第四十五条的规定，听证所需时间不计入办理期限：自{}起暂停计算，\
             至听证笔录经听证参加人确认签字或者盖章之日止。本局将根据听证笔录作出行政许可决定。",
            date_zh(from)
        )));
    }
    sheet.blocks = blocks;
    sheet.date = date_zh(on);
    sheet.footer = vec!["本通知书由本局业务系统出具，不加盖电子印章。".into()];
    Ok((dates.start)(on))
}
