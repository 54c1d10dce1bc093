//! The legal-settings columns (issue #21): each cell is `value|source`; an empty cell (or a
//! column the file lacks) is the Licensing Law's general rule.
//!
//! * `extension_allowance` 延长期限: `none|《建筑法》第八条` or `40 WD|…`
//! * `notice_window` 一次性告知期限: working days 0–5, `5|…`
//! * `clock_start` 期限起算: `acceptance|…` or `receipt|…`
//! * `renewal_lead` 延续申请提前期, `licence_term` 许可有效期: a limit, `60 d|…`, `60 month|…`
//! * `excluded_caps` 不计入期限的时间上限: `expert_review|20 WD|…` entries separated by `;`
//! * `public_safety` 涉及公共安全, `holder_cancellation` 依申请注销: `yes|source` or empty
//! * `start_deadline` 逾期未开工失效: a limit, `3 month|《建筑法》第九条`
//! * `on_the_spot` 当场决定 (Art. 34(2)): `yes|《…条例》第十九条`, empty when not allowed
//! * `commitment` 告知承诺制 (issue #19 item 5): the verification period after a grant and the
//!   provision, `2 month|《…》`, empty when the item is not under the regime
//! * `review_policy` 审批岗位制度 (bureau policy, not law): empty (both on), `none`,
//!   `two_reviewers`, `separate_acceptor` (flags separated by `;`)
//! * `hearing_required` 应当听证 (Art. 46): `yes|source` where the item's law requires a hearing,
//!   empty otherwise

use super::super::dict::SpecialProcedureKind;
use super::super::legal::{
    Cited, ClockStart, ExcludedCap, ExtensionAllowance, LegalSettings, LegalSettingsError,
    NoticeWindow,
};
use super::super::limit::TimeLimit;
use super::super::policy::{OnTheSpot, ReviewPolicy};
use super::cell::{join, split};
use super::reason::Reason;

impl From<LegalSettingsError> for Reason {
    fn from(e: LegalSettingsError) -> Self {
        Self::new(e.to_string(), e.reason_zh())
    }
}

fn pair(value: String, source: &str) -> String {
    join(&[vec![value, source.to_owned()]])
}

/// `yes|source` for a flag that rests on a provision, empty when it does not.
fn flag_cell(source: &Option<String>) -> String {
    source
        .as_ref()
        .map(|s| pair("yes".to_owned(), s))
        .unwrap_or_default()
}

/// The twelve cells, in column order; a general setting is written out too, so an export says
/// which provision it rests on.
pub(super) fn encode(legal: &LegalSettings) -> Vec<String> {
    let limit = |c: &Option<Cited<TimeLimit>>| {
        c.as_ref()
            .map(|c| pair(c.value.to_string(), &c.source))
            .unwrap_or_default()
    };
    vec![
        pair(legal.extension.value.code(), &legal.extension.source),
        pair(
            legal.notice_window.value.working_days().to_string(),
            &legal.notice_window.source,
        ),
        pair(
            legal.clock_start.value.code().to_owned(),
            &legal.clock_start.source,
        ),
        limit(&legal.renewal_lead),
        limit(&legal.licence_term),
        join(
            &legal
                .excluded_caps
                .iter()
                .map(|c| {
                    vec![
                        c.kind().code().to_owned(),
                        c.cap().to_string(),
                        c.source().to_owned(),
                    ]
                })
                .collect::<Vec<_>>(),
        ),
        flag_cell(&legal.public_safety),
        flag_cell(&legal.holder_cancellation),
        limit(&legal.start_deadline),
        legal
            .on_the_spot
            .as_ref()
            .map(|o| pair(o.code(), &o.source))
            .unwrap_or_default(),
        legal.policy.code(),
        flag_cell(&legal.hearing_required),
        limit(&legal.commitment),
    ]
}

/// `value|source` of a one-entry cell; `None` for an empty cell.
fn cited<T>(
    cell: &str,
    parse: impl FnOnce(&str) -> Result<T, Reason>,
) -> Result<Option<Cited<T>>, Reason> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    let entries = split(cell)?;
    let [fields] = entries.as_slice() else {
        return Err(Reason::new(
            "expected one value|source entry",
            "应为一项“取值|依据”",
        ));
    };
    let [value, source] = fields.as_slice() else {
        return Err(Reason::new(
            "expected value|source, e.g. \"none|《建筑法》第八条\"",
            "格式应为“取值|依据”，例如“none|《建筑法》第八条”",
        ));
    };
    if source.trim().is_empty() {
        return Err(Reason::new(
            "the source (law and article) is empty",
            "依据（法律名称和条款）不能为空",
        ));
    }
    Ok(Some(Cited::new(parse(value)?, source.clone())))
}

fn cap(fields: &[String]) -> Result<ExcludedCap, Reason> {
    let [kind, limit, source] = fields else {
        return Err(Reason::new(
            "expected kind|limit|source, e.g. expert_review|20 WD|…",
            "格式应为“特别程序|时限|依据”，例如“expert_review|20 WD|…”",
        ));
    };
    if source.trim().is_empty() {
        return Err(Reason::new(
            "the source (law and article) is empty",
            "依据（法律名称和条款）不能为空",
        ));
    }
    Ok(ExcludedCap::new(
        SpecialProcedureKind::parse(kind)?,
        TimeLimit::parse(limit)?,
        source.clone(),
    )?)
}

/// The item's settings from its row (`cell` gives a column's text); every bad cell's column and
/// reason when any is wrong.
pub(super) fn decode(
    cell: &dyn Fn(&'static str) -> String,
) -> Result<LegalSettings, Vec<(&'static str, Reason)>> {
    let mut errors = Vec::new();
    let mut get = |column: &'static str, parse: &dyn Fn(&str) -> Result<(), Reason>| {
        if let Err(reason) = parse(&cell(column)) {
            errors.push((column, reason));
        }
    };
    let general = LegalSettings::default();
    let extension = std::cell::RefCell::new(None);
    let notice = std::cell::RefCell::new(None);
    let start = std::cell::RefCell::new(None);
    let renewal = std::cell::RefCell::new(None);
    let term = std::cell::RefCell::new(None);
    let caps = std::cell::RefCell::new(Vec::new());
    let safety = std::cell::RefCell::new(None);
    let cancel = std::cell::RefCell::new(None);
    let start_deadline = std::cell::RefCell::new(None);
    let yes = |v: &str| {
        if v == "yes" {
            Ok(())
        } else {
            Err(Reason::new(
                format!("{v:?} must be \"yes\" (or leave the cell empty)"),
                format!("“{v}”应为 yes（或留空）"),
            ))
        }
    };
    get("public_safety", &|s| {
        *safety.borrow_mut() = cited(s, yes)?.map(|c| c.source);
        Ok(())
    });
    get("holder_cancellation", &|s| {
        *cancel.borrow_mut() = cited(s, yes)?.map(|c| c.source);
        Ok(())
    });
    get("start_deadline", &|s| {
        *start_deadline.borrow_mut() = cited(s, |v| Ok(TimeLimit::parse(v)?))?;
        Ok(())
    });
    let hearing = std::cell::RefCell::new(None);
    get("hearing_required", &|s| {
        *hearing.borrow_mut() = cited(s, yes)?.map(|c| c.source);
        Ok(())
    });
    let spot = std::cell::RefCell::new(None);
    let policy = std::cell::RefCell::new(ReviewPolicy::default());
    let commitment = std::cell::RefCell::new(None);
    get("commitment", &|s| {
        *commitment.borrow_mut() = cited(s, |v| Ok(TimeLimit::parse(v)?))?;
        Ok(())
    });
    get("extension_allowance", &|s| {
        *extension.borrow_mut() = cited(s, |v| Ok(ExtensionAllowance::parse(v)?))?;
        Ok(())
    });
    get("notice_window", &|s| {
        *notice.borrow_mut() = cited(s, |v| {
            let days: u32 = v.parse().map_err(|_| {
                Reason::new(
                    format!("{v:?} must be a whole number of working days"),
                    format!("“{v}”应为工作日天数"),
                )
            })?;
            Ok(NoticeWindow::new(days)?)
        })?;
        Ok(())
    });
    get("clock_start", &|s| {
        *start.borrow_mut() = cited(s, |v| Ok(ClockStart::parse(v)?))?;
        Ok(())
    });
    get("renewal_lead", &|s| {
        *renewal.borrow_mut() = cited(s, |v| Ok(TimeLimit::parse(v)?))?;
        Ok(())
    });
    get("licence_term", &|s| {
        *term.borrow_mut() = cited(s, |v| Ok(TimeLimit::parse(v)?))?;
        Ok(())
    });
    get("excluded_caps", &|s| {
        let list = split(s)?
            .iter()
            .enumerate()
            .map(|(i, fields)| cap(fields).map_err(|r| r.in_entry(i)))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, c) in list.iter().enumerate() {
            if list[..i].iter().any(|d| d.kind() == c.kind()) {
                return Err(Reason::new(
                    format!("{} is capped twice", c.kind().code()),
                    format!("“{}”的时间上限重复", c.kind().name_zh()),
                ));
            }
        }
        *caps.borrow_mut() = list;
        Ok(())
    });
    get("on_the_spot", &|s| {
        *spot.borrow_mut() = cited(s, |v| match v {
            "yes" => Ok(()),
            _ => Err(Reason::new(
                format!("{v:?} must be \"yes\" (or leave the cell empty)"),
                format!("“{v}”应为 yes（允许当场决定），不允许的留空"),
            )),
        })?
        .map(|c| OnTheSpot { source: c.source });
        Ok(())
    });
    get("review_policy", &|s| {
        *policy.borrow_mut() = ReviewPolicy::parse(s).map_err(|flag| {
            Reason::new(
                format!("unknown policy {flag:?}: use none, two_reviewers, separate_acceptor"),
                format!("“{flag}”不是审批岗位制度选项（none、two_reviewers、separate_acceptor）"),
            )
        })?;
        Ok(())
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(LegalSettings {
        extension: extension.into_inner().unwrap_or(general.extension),
        notice_window: notice.into_inner().unwrap_or(general.notice_window),
        clock_start: start.into_inner().unwrap_or(general.clock_start),
        renewal_lead: renewal.into_inner(),
        licence_term: term.into_inner(),
        excluded_caps: caps.into_inner(),
        public_safety: safety.into_inner(),
        holder_cancellation: cancel.into_inner(),
        start_deadline: start_deadline.into_inner(),
        on_the_spot: spot.into_inner(),
        policy: policy.into_inner(),
        hearing_required: hearing.into_inner(),
        commitment: commitment.into_inner(),
    })
}
