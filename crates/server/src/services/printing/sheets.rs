//! The wording and fields of each document, laid out as a `oneseal_pdf::Sheet`: which
//! documents a case has (`kinds`) and each one's text (`sheet`). Change a document's wording
//! here; its layout is `oneseal_pdf`'s.

use oneseal_domain::case::{
    Applicant, CHINA_STANDARD_TIME, CaseEvent, Channel, Decision, NonAcceptance, NoticeItem,
    NoticeProblem,
};
use oneseal_domain::licence::LicenceEvent;
use oneseal_pdf::{Block, Sheet};
use serde_json::Value;
use time::{Date, OffsetDateTime, Time};

use super::model::{Copy, PrintingError, Sources, sealed_fields};

mod hearing;

/// The printable kinds: the sealed ones carry the `document_kind` of their `document.sealed`.
const RECEIPT: &str = "receipt";
const LICENCE: &str = "licence";
const EXTENSION: &str = "extension_notice";
const SPECIAL: &str = "special_procedure_notice";

/// The sealed document a printable kind shows (the licence shows the decision's seal).
pub(super) fn sealed_kind(kind: &str) -> &str {
    if kind == LICENCE { "decision" } else { kind }
}

/// The notice kind (extension or special procedure) of `kind`, numbered or not:
/// `special_procedure_notice_2` is the second special procedure's notice.
fn notice_base(kind: &str) -> Option<&'static str> {
    [EXTENSION, SPECIAL].into_iter().find(|base| {
        kind == *base
            || kind
                .strip_prefix(base)
                .and_then(|rest| rest.strip_prefix('_'))
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 1))
    })
}

/// Every document `s` has: (kind, title, sealed), in the order issued. Extension and special
/// procedure notices are sealed since issue #18; a case whose notices were issued before
/// lists them unsealed, as they were.
pub(super) fn kinds(s: &Sources) -> Vec<(String, String, bool)> {
    let mut out = vec![(RECEIPT.to_owned(), "收件凭证".to_owned(), false)];
    for d in &s.sealed {
        let title = sealed_fields(d)
            .ok()
            .and_then(|f| f["type"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let kind = match d.document_kind.as_str() {
            k @ ("one_time_notice" | "acceptance" | "non_acceptance" | "decision") => k,
            k if notice_base(k).is_some() => k,
            _ => continue,
        };
        out.push((kind.to_owned(), title, true));
        if d.license_id.is_some() && s.licence.is_some() {
            out.push((LICENCE.to_owned(), "行政许可证".to_owned(), true));
        }
    }
    let sealed_notice = |base| {
        s.sealed
            .iter()
            .any(|d| notice_base(&d.document_kind) == Some(base))
    };
    if !sealed_notice(EXTENSION)
        && s.events
            .iter()
            .any(|e| matches!(e, CaseEvent::ExtensionApproved { .. }))
    {
        out.push((EXTENSION.to_owned(), "延长办理期限告知书".to_owned(), false));
    }
    if !sealed_notice(SPECIAL)
        && s.events
            .iter()
            .any(|e| matches!(e, CaseEvent::SpecialProcedureStarted { .. }))
    {
        out.push((SPECIAL.to_owned(), "特别程序告知书".to_owned(), false));
    }
    out.extend(hearing::listed(s).map(|(k, t, sealed)| (k.to_owned(), t, sealed)));
    out
}

fn date_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

fn time_zh(t: OffsetDateTime) -> String {
    let t = t.to_offset(CHINA_STANDARD_TIME);
    format!("{} {:02}:{:02}", date_zh(t.date()), t.hour(), t.minute())
}

fn day_start(d: Date) -> OffsetDateTime {
    d.with_time(Time::MIDNIGHT)
        .assume_offset(CHINA_STANDARD_TIME)
}

/// The addressee as printed on the applicant's papers: the name (never an ID or phone number).
fn addressee(a: &Applicant) -> String {
    match a {
        Applicant::NaturalPerson { name, .. } | Applicant::Organisation { name, .. } => {
            name.clone()
        }
    }
}

fn holder(a: &Applicant) -> String {
    match a {
        Applicant::NaturalPerson { name, .. } => name.clone(),
        Applicant::Organisation { name, uscc, .. } => {
            format!("{name}（统一社会信用代码：{}）", uscc.as_str())
        }
    }
}

fn numbered(items: &[String]) -> Vec<Block> {
    items
        .iter()
        .enumerate()
        .map(|(i, r)| Block::Para(format!("{}. {r}", i + 1)))
        .collect()
}

/// A sealed `YYYY-MM-DD` field written the Chinese way (as stored, should it not parse).
fn iso_date_zh(v: &Value) -> String {
    let text = v.as_str().unwrap_or_default();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_or_else(|_| text.to_owned(), date_zh)
}

fn parse_time(v: &Value) -> Option<OffsetDateTime> {
    v.as_str()
        .and_then(|t| OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok())
}

/// The sheet of `kind` and the time it was issued (the PDF's creation date).
pub(super) fn sheet(
    s: &Sources,
    kind: &str,
    base_url: &str,
    copy: &Copy,
    seal_svg: Option<String>,
) -> Result<(Sheet, OffsetDateTime), PrintingError> {
    let r = s.case.received();
    let item = format!("{}（事项编码：{}）", r.item.name, r.item.basic_code);
    let to = Block::Plain(format!("{}：", addressee(&r.applicant)));
    let mut sheet = Sheet {
        issuer: s.bureau.clone(),
        ..Sheet::default()
    };
    let number = r.case_number.to_string();
    let sealed = s
        .sealed
        .iter()
        .find(|d| d.document_kind == sealed_kind(kind));
    let created = match kind {
        RECEIPT => {
            sheet.title = "收件凭证".into();
            sheet.number = format!("收件〔{}〕{number}号", r.received_at.year());
            let channel = match r.channel {
                Channel::Window => "窗口收件",
                Channel::Online => "网上申请",
            };
            let materials: Vec<String> = r.materials.iter().map(|m| m.name.clone()).collect();
            sheet.blocks = vec![
                to,
                Block::Para(format!(
                    "本局于{}收到你（单位）提交的{}申请材料，特出具本凭证。本凭证只证明收到申请材料，\
                     不表示申请已被受理；本局将在五个工作日内作出受理、不予受理或者一次告知需要补正的\
                     全部内容的决定（《中华人民共和国行政许可法》第三十二条）。",
                    time_zh(r.received_at),
                    r.item.name
                )),
                Block::Field("办件编号".into(), number.clone()),
                Block::Field("申请事项".into(), item),
                Block::Field("申请人".into(), holder(&r.applicant)),
                Block::Field("收件方式".into(), channel.into()),
                Block::Field("法定办结时限".into(), r.item.statutory_limit.to_zh()),
                Block::Field("承诺办结时限".into(), r.item.promised_limit.to_zh()),
                Block::Field(
                    "收到材料".into(),
                    if materials.is_empty() {
                        "（无）".into()
                    } else {
                        materials.join("；")
                    },
                ),
            ];
            if let Some(address) = &r.address {
                // After 申请人.
                sheet.blocks.insert(
                    5,
                    Block::Field("住所/经营场所".into(), address.as_str().to_owned()),
                );
            }
            // Issue #19 item 3: who filed (the agent's ID masked; the PDF is never hashed in public).
            match &r.representation {
                Some(oneseal_domain::case::Representation::Agent {
                    name, id_number, ..
                }) => {
                    sheet.blocks.push(Block::Field(
                        "委托代理人".into(),
                        format!("{name}（身份证号 {}）", id_number.masked()),
                    ));
                    sheet
                        .blocks
                        .push(Block::Field("授权委托书".into(), "已收".into()));
                }
                Some(oneseal_domain::case::Representation::OnBehalf {
                    consent,
                    consented_at,
                    filed_by,
                }) => sheet.blocks.push(Block::Field(
                    "帮办代办".into(),
                    format!(
                        "窗口工作人员（工号 {}）经申请人同意代为填报；{}，{}",
                        filed_by.as_str(),
                        consent.name_zh(),
                        time_zh(*consented_at)
                    ),
                )),
                None => {}
            }
            // Art. 33: an online application is received when submitted on the platform.
            if let (Some(at), Some(reg)) = (r.submitted_at(), r.registered_at) {
                sheet
                    .blocks
                    .push(Block::Field("网上提交时间（收件时间）".into(), time_zh(at)));
                sheet
                    .blocks
                    .push(Block::Field("窗口登记时间".into(), time_zh(reg)));
            }
            sheet.date = date_zh(r.received_on());
            sheet.footer = vec![
                "本凭证不加盖印章。申请是否受理，以加盖本局行政审批专用章的受理通知书、\
                 补正材料通知书或者不予受理决定书为准。"
                    .into(),
            ];
            r.received_at
        }
        k if matches!(
            k,
            "acceptance" | "one_time_notice" | "non_acceptance" | "decision" | LICENCE
        ) || (sealed.is_some() && notice_base(k).is_some()) =>
        {
            let d = sealed.ok_or(PrintingError::NoSuchDocument)?;
            let f = sealed_fields(d)?;
            let issued = parse_time(&f["issued_at"])
                .ok_or_else(|| PrintingError::Corrupt("issued_at".into()))?;
            sheet.title = f["type"].as_str().unwrap_or_default().to_owned();
            sheet.seal_svg = seal_svg;
            sheet.date = date_zh(issued.to_offset(CHINA_STANDARD_TIME).date());
            sheet.footer = vec![format!(
                "本文书经{}电子印章（esID {}）签章；签章文书SM3：{}；记录于透明日志 {} 第 {} 条。",
                s.bureau, d.es_id, d.document_sm3, d.log, d.index
            )];
            let verify = match &d.license_id {
                Some(id) => (
                    format!("{base_url}/verify/{id}"),
                    "扫码核验证照与印章".to_owned(),
                ),
                None => (
                    format!("{base_url}/ledger?j={}&before={}", d.log, d.index + 1),
                    "扫码查看签章记录（比对SM3）".to_owned(),
                ),
            };
            sheet.qr = Some(verify);
            let year = issued.to_offset(CHINA_STANDARD_TIME).year();
            sealed_body(s, kind, &f, &mut sheet, year)?;
            issued
        }
        EXTENSION => {
            let Some(CaseEvent::ExtensionApproved {
                working_days,
                reason,
                on,
                applicant_notified_on,
                ..
            }) = s
                .events
                .iter()
                .rev()
                .find(|e| matches!(e, CaseEvent::ExtensionApproved { .. }))
            else {
                return Err(PrintingError::NoSuchDocument);
            };
            // The notice may follow the approval as its own step (Art. 42): the day it was
            // recorded, or today's draft while it is still due.
            let told = applicant_notified_on.or_else(|| {
                s.events.iter().rev().find_map(|e| match e {
                    CaseEvent::ExtensionNotified { on, .. } => Some(*on),
                    _ => None,
                })
            });
            sheet.title = "延长办理期限告知书".into();
            sheet.number = format!("延期〔{}〕{number}号", on.year());
            sheet.blocks = vec![
                to,
                Block::Para(format!(
                    "你（单位）申请的{item}（办件编号：{number}），因{reason}，不能在法定期限内作出决定。\
                     经本行政机关负责人批准，根据《中华人民共和国行政许可法》第四十二条第一款的规定，\
                     办理期限延长{working_days}个工作日，特此告知。"
                )),
                Block::Field("批准日期".into(), date_zh(*on)),
            ];
            if let Some(told) = told {
                sheet
                    .blocks
                    .push(Block::Field("告知日期".into(), date_zh(told)));
            }
            let dated = told.unwrap_or(*on);
            sheet.date = date_zh(dated);
            sheet.footer = vec![
                "本告知书由本局业务系统出具，不加盖电子印章；延期的批准记录于本局透明日志。".into(),
            ];
            day_start(dated)
        }
        SPECIAL => {
            let Some(CaseEvent::SpecialProcedureStarted {
                procedure,
                notice_reference,
                on,
                ..
            }) = s
                .events
                .iter()
                .rev()
                .find(|e| matches!(e, CaseEvent::SpecialProcedureStarted { .. }))
            else {
                return Err(PrintingError::NoSuchDocument);
            };
            sheet.title = "特别程序告知书".into();
            sheet.number.clone_from(notice_reference);
            sheet.blocks = vec![
                to,
                Block::Para(format!(
                    "你（单位）申请的{item}（办件编号：{number}）自{}起进入{}程序。根据《中华人民共和国行政许可法》\
                     第四十五条的规定，该程序所需时间不计入办理期限；程序结束后，本局将继续计算办理期限。",
                    date_zh(*on),
                    procedure.name_zh()
                )),
                Block::Field("程序".into(), procedure.name_zh().into()),
                Block::Field("开始日期".into(), date_zh(*on)),
            ];
            sheet.date = date_zh(*on);
            sheet.footer = vec!["本告知书由本局业务系统出具，不加盖电子印章。".into()];
            day_start(*on)
        }
        hearing::HEARING => {
            let dates = hearing::Dates {
                zh: date_zh,
                start: day_start,
            };
            hearing::fill(s, &mut sheet, to, (&item, &number), &dates)?
        }
        _ => return Err(PrintingError::NoSuchDocument),
    };
    if let Copy::Applicant { query_code } = copy {
        sheet.blocks.push(Block::Boxed(vec![
            format!("申请人收执联　查询码：{query_code}"),
            format!(
                "凭办件编号和查询码可在 {base_url}/progress 查询办理进度、下载本局出具的文书。请妥善保管查询码。"
            ),
        ]));
    }
    Ok((sheet, created))
}

/// The body of a sealed document, from the fields the seal signed.
fn sealed_body(
    s: &Sources,
    kind: &str,
    f: &Value,
    sheet: &mut Sheet,
    year: i32,
) -> Result<(), PrintingError> {
    let r = s.case.received();
    let number = r.case_number.to_string();
    let item = format!("{}（事项编码：{}）", r.item.name, r.item.basic_code);
    let received = date_zh(r.received_on());
    let to = Block::Plain(format!("{}：", addressee(&r.applicant)));
    let corrupt = |what: &str| PrintingError::Corrupt(what.to_owned());
    let mut blocks = vec![to];
    match kind {
        "acceptance" => {
            sheet.number = format!("审受字〔{year}〕{number}号");
            let deemed = f["deemed"].as_bool().unwrap_or(false);
            blocks.push(Block::Para(if deemed {
                format!(
                    "你（单位）于{received}提交的{item}申请，本局未在收到申请材料之日起五个工作日内一次告知需要补正的\
                     全部内容。根据《中华人民共和国行政许可法》第三十二条第一款第（四）项的规定，自收到申请材料之日起即为受理。"
                )
            } else {
                format!(
                    "你（单位）于{received}提交的{item}申请，申请材料齐全、符合法定形式。根据《中华人民共和国行政许可法》\
                     第三十二条第一款第（五）项的规定，本局决定予以受理。"
                )
            }));
            blocks.push(Block::Field("办件编号".into(), number));
            let on = f["accepted_on"].as_str().unwrap_or_default();
            let format = time::macros::format_description!("[year]-[month]-[day]");
            blocks.push(Block::Field(
                "受理日期".into(),
                Date::parse(on, &format).map_or_else(|_| on.to_owned(), date_zh),
            ));
            blocks.push(Block::Field(
                "法定办结时限".into(),
                r.item.statutory_limit.to_zh(),
            ));
            blocks.push(Block::Field(
                "承诺办结时限".into(),
                r.item.promised_limit.to_zh(),
            ));
            blocks.push(Block::Para(if f["on_the_spot"].is_string() {
                "根据《中华人民共和国行政许可法》第三十四条第二款，本局当场受理并当场作出行政许可决定。".into()
            } else {
                "本局将在法定期限内作出行政许可决定。你（单位）可凭办件编号和收件凭证上的查询码查询办理进度。"
                    .into()
            }));
            deferred_blocks(
                &f["deferred"],
                "容缺受理：你（单位）已书面承诺于{due}前补交下列材料；材料补齐并经本局核验前，行政许可证件暂缓发放：",
                &mut blocks,
            );
        }
        "one_time_notice" => {
            sheet.number = format!("审补字〔{year}〕{number}号");
            let items: Vec<NoticeItem> = serde_json::from_value(f["items"].clone())
                .map_err(|_| corrupt("one-time notice items"))?;
            blocks.push(Block::Para(format!(
                "你（单位）于{received}提交的{item}申请，申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》\
                 第三十二条第一款第（四）项的规定，现一次告知你（单位）需要补正的全部内容："
            )));
            let lines: Vec<String> = items
                .iter()
                .map(|i| {
                    let problem = match i.problem {
                        NoticeProblem::Missing => "缺少",
                        NoticeProblem::Incorrect => "需更正",
                    };
                    format!("{}（{problem}）：{}", i.material, i.detail)
                })
                .collect();
            blocks.extend(numbered(&lines));
            blocks.push(Block::Para(
                "请按上述要求一次补齐、更正后提交。本局收到全部补正材料后依法作出是否受理的决定。"
                    .into(),
            ));
        }
        "non_acceptance" => {
            sheet.number = format!("审不受字〔{year}〕{number}号");
            let outcome: NonAcceptance = serde_json::from_value(f["outcome"].clone())
                .map_err(|_| corrupt("non-acceptance outcome"))?;
            let (reasons, ground, remedies) = match &outcome {
                NonAcceptance::NoLicenceNeeded { reasons } => (
                    reasons.as_slice(),
                    "该申请事项依法不需要取得行政许可，根据《中华人民共和国行政许可法》第三十二条第一款第（一）项的规定，本局不予受理。".to_owned(),
                    None,
                ),
                NonAcceptance::NotCompetent {
                    reasons,
                    competent_authority,
                    remedies,
                } => (
                    reasons.as_slice(),
                    format!(
                        "该申请事项依法不属于本局职权范围，根据《中华人民共和国行政许可法》第三十二条第一款第（二）项的规定，\
                         本局决定不予受理。请向{competent_authority}提出申请。"
                    ),
                    Some(remedies),
                ),
                NonAcceptance::MaterialsNotCorrected { reasons, remedies } => (
                    reasons.as_slice(),
                    "经一次告知后，申请材料仍不齐全或者不符合法定形式，本局决定不予受理。".to_owned(),
                    Some(remedies),
                ),
                NonAcceptance::FalseMaterials { reasons, remedies } => (
                    reasons.as_slice(),
                    "申请人隐瞒有关情况或者提供虚假材料申请行政许可，根据《中华人民共和国行政许可法》第七十八条的规定，\
                     本局决定不予受理。"
                        .to_owned(),
                    Some(remedies),
                ),
            };
            blocks.push(Block::Para(format!(
                "你（单位）于{received}提交的{item}申请（办件编号：{number}），{ground}理由如下："
            )));
            blocks.extend(numbered(reasons));
            if let Some(text) = f["remedies_statement"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| remedies.map(|r| r.to_chinese()))
            {
                blocks.push(Block::Para(text));
            }
        }
        "decision" => {
            let decision: Decision =
                serde_json::from_value(f["decision"].clone()).map_err(|_| corrupt("decision"))?;
            let intro = match f["on_the_spot"].as_str() {
                // Art. 34(2): complete and in legal form, decided on the spot.
                Some(source) => format!(
                    "你（单位）于{received}提交的{item}申请（办件编号：{number}），申请材料齐全、符合法定形式。\
                     根据《中华人民共和国行政许可法》第三十四条第二款和{source}，本局当场作出决定。"
                ),
                None => format!(
                    "你（单位）于{received}提交的{item}申请（办件编号：{number}），本局依法进行了审查。"
                ),
            };
            match &decision {
                Decision::Approve { .. } | Decision::ApproveWithDeferredMaterials { .. } => {
                    sheet.number = format!("审许字〔{year}〕{number}号");
                    blocks.push(Block::Para(format!(
                        "{intro}经审查，申请符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第一款的规定，\
                         本局决定准予行政许可。"
                    )));
                    // The sealed scope (decisions sealed before issue #18 item 4 have none).
                    if let Some(scope) = f["scope"].as_str() {
                        blocks.push(Block::Field("许可范围".into(), scope.to_owned()));
                    }
                    if let Some(address) = &r.address {
                        blocks.push(Block::Field(
                            "住所/经营场所".into(),
                            address.as_str().to_owned(),
                        ));
                    }
                    if let Decision::ApproveWithDeferredMaterials { materials } = &decision {
                        blocks.push(Block::Para(
                            "本许可容缺办理，下列材料请在承诺期限内补交：".into(),
                        ));
                        blocks.extend(numbered(materials));
                    }
                    if let Some(id) = f["license_id"].as_str() {
                        blocks.push(Block::Field("证照编号".into(), id.to_owned()));
                    }
                    commitment_blocks(&f["commitment"], &mut blocks);
                    deferred_blocks(
                        &f["licence_held"],
                        "容缺受理的下列材料尚未补交（约定{due}前补交），行政许可证件待材料补齐并经本局核验后发放：",
                        &mut blocks,
                    );
                    blocks.push(Block::Para(
                        "本局将自作出决定之日起十个工作日内向你（单位）颁发、送达行政许可证件（《中华人民共和国行政许可法》第四十四条）。"
                            .into(),
                    ));
                }
                Decision::Refuse(refusal) => {
                    sheet.number = format!("审不许字〔{year}〕{number}号");
                    blocks.push(Block::Para(format!(
                        "{intro}经审查，申请不符合法定条件、标准。根据《中华人民共和国行政许可法》第三十八条第二款的规定，\
                         本局决定不予行政许可。理由如下："
                    )));
                    blocks.extend(numbered(refusal.reasons()));
                    blocks.push(Block::Para(
                        f["remedies_statement"]
                            .as_str()
                            .map_or_else(|| refusal.remedies().to_chinese(), str::to_owned),
                    ));
                }
            }
        }
        k if notice_base(k) == Some(EXTENSION) => {
            sheet.number = format!("延期〔{year}〕{number}号");
            let days = f["working_days"].as_u64().unwrap_or_default();
            let reason = f["reason"].as_str().unwrap_or_default();
            blocks.push(Block::Para(format!(
                "你（单位）申请的{item}（办件编号：{number}），因{reason}，不能在法定期限内作出决定。\
                 经本行政机关负责人批准，根据《中华人民共和国行政许可法》第四十二条第一款的规定，\
                 办理期限延长{days}个工作日，特此告知。"
            )));
            for (label, field) in [("批准日期", "on"), ("告知日期", "applicant_notified_on")]
            {
                if !f[field].is_null() {
                    blocks.push(Block::Field(label.into(), iso_date_zh(&f[field])));
                }
            }
        }
        k if notice_base(k) == Some(SPECIAL) => {
            let procedure: oneseal_domain::catalog::SpecialProcedureKind =
                serde_json::from_value(f["procedure"].clone())
                    .map_err(|_| corrupt("special procedure"))?;
            sheet.number = f["notice_reference"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let on = iso_date_zh(&f["on"]);
            blocks.push(Block::Para(format!(
                "你（单位）申请的{item}（办件编号：{number}）自{on}起进入{}程序。根据《中华人民共和国行政许可法》\
                 第四十五条的规定，该程序所需时间不计入办理期限；程序结束后，本局将继续计算办理期限。",
                procedure.name_zh()
            )));
            blocks.push(Block::Field("程序".into(), procedure.name_zh().into()));
            blocks.push(Block::Field("开始日期".into(), on));
        }
        LICENCE => {
            let Some(LicenceEvent::Issued {
                licence_id,
                valid_from,
                valid_until,
                ..
            }) = &s.licence
            else {
                return Err(PrintingError::NoSuchDocument);
            };
            sheet.title = "行政许可证".into();
            // The number is a field below: as a centred line it would not fit.
            sheet.number = String::new();
            // The scope the decision sealed; a licence granted before issue #18 item 4 refers to
            // its decision, as it always did.
            let scope = f["scope"].as_str().map_or_else(
                || {
                    format!(
                        "{}（以本局准予行政许可决定书审许字〔{year}〕{number}号核准的内容为准）",
                        r.item.name
                    )
                },
                str::to_owned,
            );
            blocks = vec![Block::Field("持证主体".into(), holder(&r.applicant))];
            // The PDF is made on request and never hashed in public: it may print a natural
            // person's address, which the sealed bytes and the licence record never hold.
            if let Some(address) = &r.address {
                blocks.push(Block::Field(
                    "住所/经营场所".into(),
                    address.as_str().to_owned(),
                ));
            }
            blocks.extend([
                Block::Field("许可事项".into(), item),
                Block::Field("许可范围".into(), scope),
                Block::Field(
                    "有效期限".into(),
                    format!("{}至{}", date_zh(*valid_from), date_zh(*valid_until)),
                ),
                Block::Field("证照编号".into(), licence_id.clone()),
                Block::Field("发证机关".into(), s.bureau.clone()),
                Block::Field("发证日期".into(), date_zh(*valid_from)),
                Block::Para(
                    "本证照与纸质证照具有同等法律效力（国务院令第716号第十条、第十一条）。证照状态以扫码核验结果为准。"
                        .into(),
                ),
            ]);
        }
        _ => return Err(PrintingError::NoSuchDocument),
    }
    sheet.blocks = blocks;
    Ok(())
}

/// 容缺受理 (issue #19 item 6): the sealed list of materials to follow and the agreed date, as a
/// paragraph (`{due}` replaced) and the numbered names; nothing when the field is absent.
fn deferred_blocks(field: &serde_json::Value, intro: &str, blocks: &mut Vec<Block>) {
    let Some(materials) = field["materials"].as_array() else {
        return;
    };
    let names: Vec<String> = materials
        .iter()
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect();
    blocks.push(Block::Para(
        intro.replace("{due}", &iso_date_zh(&field["due"])),
    ));
    blocks.extend(numbered(&names));
}

/// 告知承诺制 (issue #19 item 5): the commitment a grant rests on, printed as the decision
/// sealed it — the item's text the applicant signed (public wording, no personal data), when,
/// the department's verification period and the text's digest; nothing when the field is absent.
fn commitment_blocks(c: &Value, blocks: &mut Vec<Block>) {
    let Some(text) = c["text"].as_str() else {
        return;
    };
    blocks.push(Block::Plain("申请人承诺：".into()));
    blocks.push(Block::Para(
        "本决定依据申请人签署的告知承诺书作出。承诺不实的，本局依照《中华人民共和国行政许可法》第六十九条第二款撤销行政许可。"
            .into(),
    ));
    blocks.extend(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Block::Para(l.to_owned())),
    );
    if let Some(at) = parse_time(&c["signed_at"]) {
        blocks.push(Block::Field("签署时间".into(), time_zh(at)));
    }
    if let Some(within) = c["verify_within"].as_str() {
        blocks.push(Block::Field(
            "核查期限".into(),
            format!("准予许可后{within}内由主管部门核查"),
        ));
    }
    if let Some(sha) = c["text_sha256"].as_str() {
        blocks.push(Block::Field("承诺书摘要".into(), format!("SHA-256 {sha}")));
    }
}
