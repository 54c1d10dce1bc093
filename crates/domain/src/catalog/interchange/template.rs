//! The import template and the dry run of an import.
//!
//! A department filling in its items for the first time needs the columns in its own language
//! and one row that shows each cell's syntax: [`template_xlsx`] writes the headers as their
//! Chinese labels (import accepts either label, so old English files keep working), one sample
//! row taken from the shipped real items, and a second worksheet that explains every column
//! (import reads the first worksheet only).
//!
//! Before an import is published, the administrator sees what it would change:
//! [`compare`] sets one parsed item beside the version in force and names every column that
//! differs, in the interchange form the file itself uses, so "before" and "after" read as the
//! cells the department typed. `version` is left out: publishing numbers versions itself.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;

use super::super::item::Item;
use super::{ExportError, ITEM_FIELDS, columns};
use crate::spreadsheet::escape_cell;

/// What a column of the template holds, in Chinese, in [`ITEM_FIELDS`] order (a column
/// added without its hint does not compile).
const HINTS: [&str; ITEM_FIELDS.len()] = [
    "12位数字",
    "31位：统一社会信用代码 + 行使层级1–6 + 基本编码",
    "可空",
    "事项名称",
    "licensing（行政许可）或 related（关联事项）",
    "01…10、20",
    "market、investment、urban、environment、transport、livelihood",
    "1…6",
    "1…7，多个用分号分隔，如 2;5",
    "1 窗口、2 网上、3 快递，多个用分号分隔",
    "法律法规名称|条款|条文，多条用分号分隔（条款、条文可空）",
    "部门代码，如 SCJG",
    "部门代码",
    "transferred、hall_window 或 department",
    "如 20 WD（20个工作日）；0 WD 为当场办结",
    "同上，不得长于法定办结时限",
    "可空",
    "1 即办件、2 承诺件",
    "名称|原件份数|复印件份数|必需1/0|来源 self 或 department|电子证照1/0，多项用分号分隔",
    "名称|标准|依据，多项用分号分隔；空为不收费",
    "种类|时限，如 expert_review|20 WD；可空",
    "关联事项的基本编码，多个用分号分隔；可空",
    "整数，不小于1（发布时由系统编号）",
    "YYYY-MM-DD",
    "可空，YYYY-MM-DD，晚于生效日期",
    "演示生成的事项填1，否则填0",
    "可空：值|依据，如 10 WD|《行政许可法》第四十二条",
    "可空：值|依据",
    "可空：值|依据",
    "可空：值|依据",
    "可空：值|依据",
    "可空：种类:时限|依据",
    "可空：yes|依据（直接关系公共安全、人身健康、生命财产安全的事项，第七十八条、第七十九条）",
    "可空：yes|依据（被许可人可以申请注销）",
    "可空：时限|依据，如 3 month|《建筑法》第九条",
    "可空：yes|依据（可以当场作出决定，第三十四条第二款）",
    "可空（两人审查、受理与审批分设）；none，或 two_reviewers;separate_acceptor 中保留的项",
    "可空：yes|依据（法律、法规、规章规定应当听证的事项，第四十六条）",
    "可空：核查期限|依据，如 2 month|《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）（实行告知承诺制的事项）",
];

fn fail(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

/// The import template: Chinese headers, `sample` as the one row, and a sheet of hints.
/// `created` goes into the document's properties, so the same sample and time give the same
/// bytes.
pub fn template_xlsx(sample: &Item, created: time::OffsetDateTime) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let created =
        rust_xlsxwriter::ExcelDateTime::from_timestamp(created.unix_timestamp()).map_err(fail)?;
    workbook.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("事项目录").map_err(fail)?;
    for (col, ((name, zh), value)) in (0u16..).zip(ITEM_FIELDS.iter().zip(columns::encode(sample)))
    {
        sheet
            .write_string_with_format(0, col, *zh, &bold)
            .map_err(fail)?;
        let width = if matches!(*name, "name" | "legal_basis" | "materials") {
            40
        } else {
            16
        };
        sheet.set_column_width(col, width).map_err(fail)?;
        if !value.is_empty() {
            sheet
                .write_string(1, col, escape_cell(&value))
                .map_err(fail)?;
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    let help = workbook.add_worksheet();
    help.set_name("填写说明").map_err(fail)?;
    for (col, head) in (0u16..).zip(["列名", "英文列名（旧文件）", "填写方法"]) {
        help.write_string_with_format(0, col, head, &bold)
            .map_err(fail)?;
    }
    help.set_column_width(0, 20).map_err(fail)?;
    help.set_column_width(1, 24).map_err(fail)?;
    help.set_column_width(2, 70).map_err(fail)?;
    let mut last = 0;
    for (row, ((name, zh), hint)) in (1u32..).zip(ITEM_FIELDS.iter().zip(HINTS)) {
        last = row;
        help.write_string(row, 0, *zh).map_err(fail)?;
        help.write_string(row, 1, *name).map_err(fail)?;
        help.write_string(row, 2, hint).map_err(fail)?;
    }
    help.write_string(
        last + 2,
        0,
        "第一个工作表为事项清单：每行一个事项，表头可用中文列名或英文列名；任何一行有误则不导入。“延长期限”及以后各列可省略。",
    )
    .map_err(fail)?;
    workbook.save_to_buffer().map_err(fail)
}

/// One column whose cell would change, in the file's own syntax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub field_zh: &'static str,
    pub before: String,
    pub after: String,
}

/// The columns in which `incoming` differs from `current`, in [`ITEM_FIELDS`] order; empty
/// when publishing it would change nothing.
pub fn compare(current: &Item, incoming: &Item) -> Vec<FieldChange> {
    ITEM_FIELDS
        .iter()
        .zip(
            columns::encode(current)
                .into_iter()
                .zip(columns::encode(incoming)),
        )
        .filter(|((name, _), (before, after))| *name != "version" && before != after)
        .map(|((field, field_zh), (before, after))| FieldChange {
            field,
            field_zh,
            before,
            after,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::import_xlsx;
    use super::*;
    use crate::catalog::demo::real_items;

    /// A real item naming no related item: a row that imports on its own.
    fn sample() -> Item {
        real_items()
            .unwrap()
            .into_iter()
            .find(|i| i.related_items.is_empty())
            .unwrap()
    }

    #[test]
    fn the_template_has_chinese_headers_and_imports_back_to_its_sample() {
        let file = template_xlsx(&sample(), time::OffsetDateTime::UNIX_EPOCH).unwrap();
        let items = import_xlsx(&file).unwrap();
        assert_eq!(items, vec![sample()]);
        // The header row is the Chinese labels (calamine reads them back as text).
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(&file)).unwrap();
        use calamine::Reader;
        let range = book.worksheet_range("事项目录").unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(header[0], "基本编码");
        assert_eq!(header[14], "法定办结时限");
        assert!(book.sheet_names().contains(&"填写说明".to_owned()));
    }

    #[test]
    fn the_template_is_the_same_bytes_for_the_same_time() {
        let t = time::OffsetDateTime::UNIX_EPOCH;
        assert_eq!(
            template_xlsx(&sample(), t).unwrap(),
            template_xlsx(&sample(), t).unwrap()
        );
    }

    #[test]
    fn every_column_has_a_hint() {
        assert_eq!(HINTS.len(), ITEM_FIELDS.len());
        assert!(HINTS.iter().all(|h| !h.is_empty()));
    }

    #[test]
    fn compare_names_each_changed_column_and_ignores_the_version() {
        let current = sample();
        assert!(compare(&current, &current).is_empty());
        let mut spec = current.spec().clone();
        spec.name = format!("{}（试点）", spec.name);
        spec.promised_limit = crate::catalog::TimeLimit::working_days(1);
        spec.version += 3;
        let incoming = Item::new(spec).unwrap();
        let changes = compare(&current, &incoming);
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, vec!["name", "promised_limit"]);
        assert_eq!(changes[1].field_zh, "承诺办结时限");
        assert_eq!(changes[1].before, current.promised_limit.to_string());
        assert_eq!(changes[1].after, "1 WD");
    }
}
