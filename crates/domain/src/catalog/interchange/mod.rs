//! CSV and XLSX interchange of the item list: how departments hand their items to the bureau and
//! how the bureau publishes its catalog. Bytes in, bytes out: no file system here.
//!
//! Import is all or nothing: every row is checked, then cross-row rules; if anything is wrong
//! the caller gets the errors as [`RowError`]s (row, column, value, reason in Chinese and
//! English) — the first [`limits::MAX_ERRORS`] by row, with the total count — and no item at
//! all. Export then import gives back the same items. What one import may cost (cells, text,
//! archive size) is bounded by [`limits`], checked before the memory is taken.
//!
//! # Layout
//! One header row, then one row per item. Rows are numbered as a spreadsheet shows them: the
//! header is row 1 (in a CSV, row *n* is the *n*-th record, which can span several lines when a
//! quoted cell holds a line break). Header cells may be the English column name or its Chinese
//! label, in any order; every column must be present exactly once. Fully empty rows are skipped.
//! CSV files are UTF-8 (a byte-order mark is written on export, for Excel, and accepted on
//! import); XLSX files are read from their first worksheet, and every cell is written as text.
//! A cell that a spreadsheet program would take for a formula (`=`, `+`, `-`, `@`…) is
//! written with a leading `'`, which import takes off again ([`crate::spreadsheet`]).
//!
//! # Columns
//! | column | 中文 | cell syntax |
//! |---|---|---|
//! | `basic_code` | 基本编码 | 12 digits |
//! | `implementation_code` | 实施编码 | 31 characters: USCC + level 1–6 + basic code |
//! | `local_code` | 地方编码 | optional text |
//! | `name` | 事项名称 | text |
//! | `category` | 事项类别 | `licensing` \| `related` |
//! | `item_type` | 事项类型 | `01`…`10`, `20` |
//! | `area` | 业务领域 | `market` `investment` `urban` `environment` `transport` `livelihood` |
//! | `power_source` | 权力来源 | `1`…`6` |
//! | `service_objects` | 服务对象 | list of `1`…`7`, e.g. `2;5` |
//! | `handling_forms` | 办理形式 | list of `1` window, `2` online, `3` post |
//! | `legal_basis` | 设定依据 | list of `law\|article\|text` (article, text optional) |
//! | `original_department` | 原审批部门 | department code, e.g. `SCJG` |
//! | `supervising_department` | 监管部门 | department code |
//! | `handling_place` | 办理地点 | `transferred` \| `hall_window` \| `department` |
//! | `statutory_limit` | 法定办结时限 | `20 WD`, `60 d`, `3 month` (0 = on the spot) |
//! | `promised_limit` | 承诺办结时限 | same; never longer than the statutory limit |
//! | `limit_note` | 时限说明 | optional text |
//! | `case_kind` | 办件类型 | `1` 即办件 \| `2` 承诺件 |
//! | `materials` | 申请材料 | list of `name\|originals\|copies\|required\|source\|e_license`, source `self` \| `department`, flags `1`/`0` |
//! | `fees` | 收费项目 | list of `name\|standard\|basis`; empty = free |
//! | `special_procedures` | 特别程序 | list of `kind\|limit`, kind `hearing` `tender` `auction` `inspection` `testing` `quarantine` `appraisal` `expert_review` `site_check` |
//! | `related_items` | 关联事项 | list of basic codes (licensing items only) |
//! | `version` | 版本 | whole number ≥ 1 |
//! | `effective_date` | 生效日期 | `YYYY-MM-DD` |
//! | `cancel_date` | 取消日期 | optional `YYYY-MM-DD`, after the effective date |
//! | `generated` | 演示生成 | `1` for synthesized demo items, else `0` |
//!
//! Lists use the mini-syntax of the `cell` module: entries separated by `;`, fields by `|`,
//! `\` escapes `;`, `|` and `\` itself; whitespace around fields is ignored.
//!
//! Cross-row rules: basic codes are unique, and every code in `related_items` names a
//! `related` item of the same file.
//!
//! A row is validated as an item ([`super::item::ItemSpec::validate`]) only once all its cells
//! parse, so fixing cell errors can reveal validation errors on the next attempt.

mod cell;
mod columns;
mod csv_file;
pub mod hostile;
mod legal_cells;
pub mod limits;
mod reason;
mod template;
mod xlsx_archive;
mod xlsx_file;

use std::collections::HashMap;

use super::dict::ItemCategory;
use super::item::Item;
use super::problem::{FIRST_OPTIONAL_FIELD, ITEM_FIELDS};
use crate::spreadsheet::unescape_cell;
use limits::Errors;
use reason::Reason;

pub use csv_file::{export_csv, import_csv};
pub use limits::RowError;
pub use template::{FieldChange, compare, template_xlsx};
pub use xlsx_file::{export_xlsx, import_xlsx};

/// The column names, in export order.
pub fn column_names() -> impl Iterator<Item = &'static str> {
    ITEM_FIELDS.iter().map(|(name, _)| *name)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The bytes are not a CSV/XLSX file at all (e.g. a corrupt archive).
    #[error("the file could not be read as {format}: {reason}")]
    Unreadable {
        format: &'static str,
        reason: String,
    },
    /// The file was read but some rows are wrong; nothing was imported. `errors` holds the
    /// first [`limits::MAX_ERRORS`] by row, `total` counts them all.
    #[error("{total} problem(s) in the item list; nothing was imported")]
    Rows { errors: Vec<RowError>, total: usize },
}

impl ImportError {
    /// The row errors kept (the first [`limits::MAX_ERRORS`]), or none for an unreadable file.
    pub fn row_errors(&self) -> &[RowError] {
        match self {
            Self::Rows { errors, .. } => errors,
            Self::Unreadable { .. } => &[],
        }
    }

    /// How many row errors there were in all (more than [`Self::row_errors`] holds when the
    /// list was cut).
    pub fn total_errors(&self) -> usize {
        match self {
            Self::Rows { total, .. } => *total,
            Self::Unreadable { .. } => 0,
        }
    }

    fn rows(errors: Errors) -> Self {
        let (errors, total) = errors.finish();
        Self::Rows { errors, total }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("writing the CSV failed: {0}")]
    Csv(String),
    #[error("writing the XLSX failed: {0}")]
    Xlsx(String),
}

/// A table as read from a file: its rows with their 1-based numbers, and the errors found
/// reading its cells (a cell that is not UTF-8 or too long, left empty in `rows`).
struct Table {
    rows: Vec<(usize, Vec<String>)>,
    errors: Errors,
}

/// Maps header cells to [`ITEM_FIELDS`] positions, reporting unknown, repeated and missing ones.
fn read_header(row: usize, header: &[String], errors: &mut Errors) -> Option<Vec<Option<usize>>> {
    let before = errors.total();
    let mut seen: HashMap<usize, &str> = HashMap::new();
    let mut mapping = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim();
        let field = ITEM_FIELDS
            .iter()
            .position(|(en, zh)| *en == name || *zh == name);
        match field {
            _ if name.is_empty() => mapping.push(None),
            None => errors.push(RowError::new(
                row,
                name,
                raw.clone(),
                Reason::new(
                    format!("column {} has the unknown header {name:?}", i + 1),
                    format!("第{}列表头“{name}”不是已知的列名", i + 1),
                ),
            )),
            Some(f) => {
                if seen.insert(f, name).is_some() {
                    errors.push(RowError::new(
                        row,
                        name,
                        raw.clone(),
                        Reason::new("this column appears twice", "该列重复出现"),
                    ));
                }
                mapping.push(Some(f));
            }
        }
    }
    for (f, (en, zh)) in ITEM_FIELDS.iter().enumerate() {
        if !seen.contains_key(&f) && f < FIRST_OPTIONAL_FIELD {
            errors.push(RowError::new(
                row,
                en,
                String::new(),
                Reason::new(
                    format!("the header lacks the column {en} ({zh})"),
                    format!("表头缺少“{zh}”（{en}）列"),
                ),
            ));
        }
    }
    (errors.total() == before).then_some(mapping)
}

/// Puts a row's cells into [`ITEM_FIELDS`] order; cells under no header must be empty.
fn arrange(
    row: usize,
    raw: &[String],
    mapping: &[Option<usize>],
    errors: &mut Errors,
) -> Option<Vec<String>> {
    let mut cells = vec![String::new(); ITEM_FIELDS.len()];
    let mut ok = true;
    for (i, value) in raw.iter().enumerate() {
        match mapping.get(i).copied().flatten() {
            Some(f) => {
                if let Some(slot) = cells.get_mut(f) {
                    // Editors may turn line breaks inside cells into CRLF.
                    *slot = unescape_cell(value).replace("\r\n", "\n");
                }
            }
            None if value.trim().is_empty() => {}
            None => {
                ok = false;
                errors.push(RowError::new(
                    row,
                    &format!("#{}", i + 1),
                    value.clone(),
                    Reason::new(
                        format!("column {} has a value but no header", i + 1),
                        format!("第{}列有内容但没有表头", i + 1),
                    ),
                ));
            }
        }
    }
    ok.then_some(cells)
}

/// Decodes a whole table, all or nothing.
fn import_table(table: Table) -> Result<Vec<Item>, ImportError> {
    let Table { rows, mut errors } = table;
    if !errors.is_empty() {
        return Err(ImportError::rows(errors));
    }
    let mut rows = rows
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_row, header)) = rows.next() else {
        errors.push(RowError::new(
            1,
            "",
            String::new(),
            Reason::new("the file has no header row", "文件缺少表头行"),
        ));
        return Err(ImportError::rows(errors));
    };
    let Some(mapping) = read_header(header_row, &header, &mut errors) else {
        return Err(ImportError::rows(errors));
    };
    let mut items = Vec::new();
    for (row, raw) in rows {
        let Some(cells) = arrange(row, &raw, &mapping, &mut errors) else {
            continue;
        };
        match columns::decode(row, &cells) {
            Ok(item) => items.push((row, item)),
            Err(e) => errors.extend(e),
        }
    }
    // Cross-row rules need every row: checked on a partly broken file they would report
    // phantom problems (a related item "missing" only because its own row has a bad cell).
    if errors.is_empty() {
        cross_row_errors(&items, &mut errors);
    }
    if errors.is_empty() {
        Ok(items.into_iter().map(|(_, item)| item).collect())
    } else {
        Err(ImportError::rows(errors))
    }
}

/// Unique basic codes; related codes must name related items of the same file.
fn cross_row_errors(items: &[(usize, Item)], errors: &mut Errors) {
    let mut first_row: HashMap<&str, (usize, ItemCategory)> = HashMap::new();
    for (row, item) in items {
        let code = item.basic_code.as_str();
        if let Some((first, _)) = first_row.get(code) {
            errors.push(RowError::new(
                *row,
                "basic_code",
                code.to_owned(),
                Reason::new(
                    format!("basic code {code} already used in row {first}"),
                    format!("基本编码{code}已在第{first}行使用"),
                ),
            ));
        } else {
            first_row.insert(code, (*row, item.category));
        }
    }
    for (row, item) in items {
        for related in &item.related_items {
            let code = related.as_str();
            let reason = match first_row.get(code) {
                None => Reason::new(
                    format!("related item {code} is not in the file"),
                    format!("关联事项{code}不在本文件中"),
                ),
                Some((r, ItemCategory::Licensing)) => Reason::new(
                    format!("item {code} (row {r}) is a licensing item, not a related item"),
                    format!("第{r}行的{code}是行政许可事项，不是关联事项"),
                ),
                Some((_, ItemCategory::Related)) => continue,
            };
            errors.push(RowError::new(
                *row,
                "related_items",
                code.to_owned(),
                reason,
            ));
        }
    }
}

#[cfg(test)]
mod tests;
