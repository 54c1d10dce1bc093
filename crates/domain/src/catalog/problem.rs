//! What can be wrong with a catalog item: each [`ItemProblem`] names the field (= interchange
//! column) it concerns, in English (`Display`) and Chinese (`reason_zh`).
//!
//! Apart from the checks in `validate.rs` because the item's own types (`item.rs`) report these
//! problems while the checks walk those types: both import this module, neither the other.

use time::Date;

use super::code::BasicCode;
use super::date_format;
use super::dict::ItemType;
use super::implementation::ImplementationCode;
use super::limit::TimeLimit;

/// Interchange columns, in export order, with their Chinese labels. Column names are the
/// [`ItemSpec`] field names.
pub const ITEM_FIELDS: [(&str, &str); 39] = [
    ("basic_code", "基本编码"),
    ("implementation_code", "实施编码"),
    ("local_code", "地方编码"),
    ("name", "事项名称"),
    ("category", "事项类别"),
    ("item_type", "事项类型"),
    ("area", "业务领域"),
    ("power_source", "权力来源"),
    ("service_objects", "服务对象"),
    ("handling_forms", "办理形式"),
    ("legal_basis", "设定依据"),
    ("original_department", "原审批部门"),
    ("supervising_department", "监管部门"),
    ("handling_place", "办理地点"),
    ("statutory_limit", "法定办结时限"),
    ("promised_limit", "承诺办结时限"),
    ("limit_note", "时限说明"),
    ("case_kind", "办件类型"),
    ("materials", "申请材料"),
    ("fees", "收费项目"),
    ("special_procedures", "特别程序"),
    ("related_items", "关联事项"),
    ("version", "版本"),
    ("effective_date", "生效日期"),
    ("cancel_date", "取消日期"),
    ("generated", "演示生成"),
    // The legal settings (issue #21): optional in a header, so older files still import and
    // read as the Licensing Law's general rules. Each cell is `value|source`.
    ("extension_allowance", "延长期限"),
    ("notice_window", "一次性告知期限"),
    ("clock_start", "期限起算"),
    ("renewal_lead", "延续申请提前期"),
    ("licence_term", "许可有效期"),
    ("excluded_caps", "不计入期限的时间上限"),
    // Art. 78–79, cancellation on application, 建筑法 Art. 9 (issue #21 items 1 and 12).
    ("public_safety", "涉及公共安全"),
    ("holder_cancellation", "依申请注销"),
    ("start_deadline", "逾期未开工失效"),
    // Issue #21 item 10: Art. 34(2)'s on-the-spot decision, and the bureau's review policy.
    ("on_the_spot", "当场决定"),
    ("review_policy", "审批岗位制度"),
    // Issue #21 item 5: Art. 46's hearings the item's own law requires.
    ("hearing_required", "应当听证"),
    // Issue #19 item 5: 告知承诺制, the verification period after a grant.
    ("commitment", "告知承诺制"),
];

/// The columns from this index on may be missing from a header (added after the first files
/// were exchanged); a missing one reads as empty, i.e. the general rule.
pub const FIRST_OPTIONAL_FIELD: usize = 26;

/// The Chinese label of a column, or the column name itself if unknown.
pub fn field_zh(field: &str) -> &str {
    ITEM_FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(field, |(_, zh)| zh)
}

fn part_zh(part: &str) -> &str {
    match part {
        "name" => "名称",
        "law" => "法律法规名称",
        "article" => "条款",
        "text" => "条文内容",
        "standard" => "收费标准",
        "basis" => "收费依据",
        "originals" => "原件份数",
        "copies" => "复印件份数",
        other => other,
    }
}

/// Longest accepted text per kind of field, in characters.
pub const MAX_NAME: usize = 200;
pub const MAX_SHORT_TEXT: usize = 500;
pub const MAX_LONG_TEXT: usize = 2000;
pub const MAX_LOCAL_CODE: usize = 50;
/// Most originals or copies one material may ask for.
pub const MAX_COPIES: u32 = 99;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFault {
    Empty,
    Untrimmed,
    ControlCharacter,
    TooLong { max: usize },
}

/// Where in an item a problem sits: a column, and for lists the 1-based entry and its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub field: &'static str,
    pub entry: Option<usize>,
    pub part: Option<&'static str>,
}

impl Location {
    pub(super) fn field(field: &'static str) -> Self {
        Self {
            field,
            entry: None,
            part: None,
        }
    }

    pub(super) fn entry(field: &'static str, index: usize, part: &'static str) -> Self {
        Self {
            field,
            entry: Some(index + 1),
            part: Some(part),
        }
    }

    fn en(&self) -> String {
        let mut s = self.field.to_owned();
        if let Some(n) = self.entry {
            s.push_str(&format!(" #{n}"));
        }
        if let Some(p) = self.part {
            s.push_str(&format!(" {p}"));
        }
        s
    }

    fn zh(&self) -> String {
        let mut s = field_zh(self.field).to_owned();
        if let Some(n) = self.entry {
            s.push_str(&format!("第{n}项"));
        }
        if let Some(p) = self.part {
            s.push_str(part_zh(p));
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemProblem {
    #[error("{} {}", .at.en(), text_fault_en(*.fault))]
    Text { at: Location, fault: TextFault },
    #[error("implementation code {implementation_code} does not end with basic code {basic_code}")]
    ImplementationCodeMismatch {
        implementation_code: ImplementationCode,
        basic_code: BasicCode,
    },
    #[error("a licensing item must have item type 01 (administrative licensing), not {}", .0.code())]
    LicensingItemWrongType(ItemType),
    #[error("a licensing item must cite at least one legal basis (Licensing Law Art 14-17, 30)")]
    MissingLegalBasis,
    #[error("promised limit {promised} is longer than statutory limit {statutory}")]
    PromisedExceedsStatutory {
        promised: TimeLimit,
        statutory: TimeLimit,
    },
    #[error("{0} must list at least one entry")]
    EmptyList(&'static str),
    #[error("{field} lists {value} more than once")]
    Duplicate { field: &'static str, value: String },
    #[error("only licensing items list related items")]
    RelatedItemListsRelatedItems,
    #[error("an item cannot be related to itself")]
    RelatedToItself,
    #[error("{} must be at most {max}", .at.en())]
    CountTooLarge { at: Location, max: u32 },
    #[error("{} must be longer than zero", .at.en())]
    ZeroLimit { at: Location },
    #[error("an immediate case (即办件) must promise 0, i.e. on the spot, not {0}")]
    ImmediateWithDelay(TimeLimit),
    #[error("version must be 1 or more")]
    ZeroVersion,
    #[error("cancel date {} must be after effective date {}", show_date(*.cancel), show_date(*.effective))]
    CancelNotAfterEffective { effective: Date, cancel: Date },
}

fn text_fault_en(fault: TextFault) -> String {
    match fault {
        TextFault::Empty => "is empty".to_owned(),
        TextFault::Untrimmed => "has leading or trailing whitespace".to_owned(),
        TextFault::ControlCharacter => "contains a control character".to_owned(),
        TextFault::TooLong { max } => format!("is longer than {max} characters"),
    }
}

fn text_fault_zh(fault: TextFault) -> String {
    match fault {
        TextFault::Empty => "不能为空".to_owned(),
        TextFault::Untrimmed => "首尾不能有空白".to_owned(),
        TextFault::ControlCharacter => "含有控制字符".to_owned(),
        TextFault::TooLong { max } => format!("超过{max}个字符"),
    }
}

fn show_date(d: Date) -> String {
    date_format::format(d).unwrap_or_else(|_| d.to_string())
}

impl ItemProblem {
    /// The interchange column the problem belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Text { at, .. } | Self::CountTooLarge { at, .. } | Self::ZeroLimit { at } => {
                at.field
            }
            Self::ImplementationCodeMismatch { .. } => "implementation_code",
            Self::LicensingItemWrongType(_) => "item_type",
            Self::MissingLegalBasis => "legal_basis",
            Self::PromisedExceedsStatutory { .. } | Self::ImmediateWithDelay(_) => "promised_limit",
            Self::EmptyList(field) | Self::Duplicate { field, .. } => field,
            Self::RelatedItemListsRelatedItems | Self::RelatedToItself => "related_items",
            Self::ZeroVersion => "version",
            Self::CancelNotAfterEffective { .. } => "cancel_date",
        }
    }

    pub fn reason_zh(&self) -> String {
        match self {
            Self::Text { at, fault } => format!("{}{}", at.zh(), text_fault_zh(*fault)),
            Self::ImplementationCodeMismatch {
                implementation_code,
                basic_code,
            } => format!("实施编码{implementation_code}的末12位与基本编码{basic_code}不一致"),
            Self::LicensingItemWrongType(t) => {
                format!(
                    "行政许可事项的事项类型应为01（行政许可），不能为{}（{}）",
                    t.code(),
                    t.name_zh()
                )
            }
            Self::MissingLegalBasis => "行政许可事项应至少列明一项设定依据".to_owned(),
            Self::PromisedExceedsStatutory {
                promised,
                statutory,
            } => format!(
                "承诺办结时限{}超过法定办结时限{}",
                promised.to_zh(),
                statutory.to_zh()
            ),
            Self::EmptyList(field) => format!("{}至少应有一项", field_zh(field)),
            Self::Duplicate { field, value } => format!("{}中“{}”重复", field_zh(field), value),
            Self::RelatedItemListsRelatedItems => "只有行政许可事项可以列出关联事项".to_owned(),
            Self::RelatedToItself => "事项不能关联自身".to_owned(),
            Self::CountTooLarge { at, max } => format!("{}不能超过{}", at.zh(), max),
            Self::ZeroLimit { at } => format!("{}时限必须大于零", at.zh()),
            Self::ImmediateWithDelay(limit) => {
                format!("即办件的承诺时限应为0（当场办结），不能为{}", limit.to_zh())
            }
            Self::ZeroVersion => "版本号应从1开始".to_owned(),
            Self::CancelNotAfterEffective { effective, cancel } => format!(
                "取消日期{}应晚于生效日期{}",
                show_date(*cancel),
                show_date(*effective)
            ),
        }
    }
}
