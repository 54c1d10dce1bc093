//! One item ⇄ one row of cells, in [`ITEM_FIELDS`] order.

use time::Date;

use super::super::code::{BasicCode, DepartmentCode};
use super::super::date_format;
use super::super::dict::{
    Area, CaseKind, HandlingForm, HandlingPlace, ItemCategory, ItemType, MaterialSource,
    PowerSource, ServiceObject, SpecialProcedureKind,
};
use super::super::implementation::ImplementationCode;
use super::super::item::{Fee, Item, ItemSpec, LegalBasis, Material, SpecialProcedure};
use super::super::limit::TimeLimit;
use super::super::problem::ITEM_FIELDS;
use super::RowError;
use super::cell::{join, split, split_values};
use super::legal_cells;
use super::reason::Reason;

fn flag(b: bool) -> String {
    if b { "1" } else { "0" }.to_owned()
}

fn show_date(d: Date) -> String {
    date_format::format(d).unwrap_or_else(|_| d.to_string())
}

fn codes<T: Copy>(values: &[T], code: fn(T) -> &'static str) -> String {
    join(
        &values
            .iter()
            .map(|&v| vec![code(v).to_owned()])
            .collect::<Vec<_>>(),
    )
}

fn legal_basis_cell(basis: &[LegalBasis]) -> String {
    let entries: Vec<Vec<String>> = basis
        .iter()
        .map(|b| {
            let mut fields = vec![
                b.law.clone(),
                b.article.clone().unwrap_or_default(),
                b.text.clone().unwrap_or_default(),
            ];
            // Shorter is easier to read; missing trailing fields decode as absent.
            while fields.len() > 1 && fields.last().is_some_and(String::is_empty) {
                fields.pop();
            }
            fields
        })
        .collect();
    join(&entries)
}

fn materials_cell(materials: &[Material]) -> String {
    let entries: Vec<Vec<String>> = materials
        .iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.originals.to_string(),
                m.copies.to_string(),
                flag(m.required),
                m.source.code().to_owned(),
                flag(m.e_license_accepted),
            ]
        })
        .collect();
    join(&entries)
}

/// The cells of one item, in [`ITEM_FIELDS`] order.
pub(crate) fn encode(item: &Item) -> Vec<String> {
    let s = item.spec();
    vec![
        s.basic_code.to_string(),
        s.implementation_code.to_string(),
        s.local_code.clone().unwrap_or_default(),
        s.name.clone(),
        s.category.code().to_owned(),
        s.item_type.code().to_owned(),
        s.area.code().to_owned(),
        s.power_source.code().to_owned(),
        codes(&s.service_objects, ServiceObject::code),
        codes(&s.handling_forms, HandlingForm::code),
        legal_basis_cell(&s.legal_basis),
        s.original_department.to_string(),
        s.supervising_department.to_string(),
        s.handling_place.code().to_owned(),
        s.statutory_limit.to_string(),
        s.promised_limit.to_string(),
        s.limit_note.clone().unwrap_or_default(),
        s.case_kind.code().to_owned(),
        materials_cell(&s.materials),
        join(
            &s.fees
                .iter()
                .map(|f| vec![f.name.clone(), f.standard.clone(), f.basis.clone()])
                .collect::<Vec<_>>(),
        ),
        join(
            &s.special_procedures
                .iter()
                .map(|p| vec![p.kind.code().to_owned(), p.limit.to_string()])
                .collect::<Vec<_>>(),
        ),
        join(
            &s.related_items
                .iter()
                .map(|c| vec![c.to_string()])
                .collect::<Vec<_>>(),
        ),
        s.version.to_string(),
        show_date(s.effective_date),
        s.cancel_date.map(show_date).unwrap_or_default(),
        flag(s.generated),
    ]
    .into_iter()
    .chain(legal_cells::encode(&s.legal))
    .collect()
}

fn optional(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn parse_flag(s: &str) -> Result<bool, Reason> {
    match s {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(Reason::new(
            format!("{s:?} must be 1 (yes) or 0 (no)"),
            format!("“{s}”应为1（是）或0（否）"),
        )),
    }
}

fn parse_count(s: &str) -> Result<u32, Reason> {
    s.parse().map_err(|_| {
        Reason::new(
            format!("{s:?} must be a whole number"),
            format!("“{s}”应为非负整数"),
        )
    })
}

fn parse_date(s: &str) -> Result<Date, Reason> {
    date_format::parse(s).map_err(|_| {
        Reason::new(
            format!("{s:?} must be a date written YYYY-MM-DD"),
            format!("“{s}”应为YYYY-MM-DD格式的日期"),
        )
    })
}

/// Checks that an entry has between `min` and `max` fields.
fn arity(fields: &[String], min: usize, max: usize, syntax: &str) -> Result<(), Reason> {
    if (min..=max).contains(&fields.len()) {
        Ok(())
    } else {
        Err(Reason::new(
            format!("expected {syntax}, found {} fields", fields.len()),
            format!("格式应为 {syntax}，实际有{}个字段", fields.len()),
        ))
    }
}

/// Parses every entry of a list cell with `entry`, prefixing errors with the entry number.
fn list<T>(cell: &str, entry: impl Fn(&[String]) -> Result<T, Reason>) -> Result<Vec<T>, Reason> {
    split(cell)?
        .iter()
        .enumerate()
        .map(|(i, fields)| entry(fields).map_err(|r| r.in_entry(i)))
        .collect()
}

fn value_list<T>(cell: &str, parse: impl Fn(&str) -> Result<T, Reason>) -> Result<Vec<T>, Reason> {
    split_values(cell)?
        .iter()
        .enumerate()
        .map(|(i, v)| parse(v).map_err(|r| r.in_entry(i)))
        .collect()
}

fn field(fields: &[String], i: usize) -> &str {
    fields.get(i).map_or("", String::as_str)
}

fn legal_basis(fields: &[String]) -> Result<LegalBasis, Reason> {
    arity(fields, 1, 3, "law|article|text")?;
    Ok(LegalBasis {
        law: field(fields, 0).to_owned(),
        article: optional(field(fields, 1)),
        text: optional(field(fields, 2)),
    })
}

fn material(fields: &[String]) -> Result<Material, Reason> {
    arity(
        fields,
        6,
        6,
        "name|originals|copies|required|source|e_license",
    )?;
    Ok(Material {
        name: field(fields, 0).to_owned(),
        originals: parse_count(field(fields, 1))?,
        copies: parse_count(field(fields, 2))?,
        required: parse_flag(field(fields, 3))?,
        source: MaterialSource::parse(field(fields, 4))?,
        e_license_accepted: parse_flag(field(fields, 5))?,
    })
}

fn fee(fields: &[String]) -> Result<Fee, Reason> {
    arity(fields, 3, 3, "name|standard|basis")?;
    Ok(Fee {
        name: field(fields, 0).to_owned(),
        standard: field(fields, 1).to_owned(),
        basis: field(fields, 2).to_owned(),
    })
}

fn special_procedure(fields: &[String]) -> Result<SpecialProcedure, Reason> {
    arity(fields, 2, 2, "kind|limit")?;
    Ok(SpecialProcedure {
        kind: SpecialProcedureKind::parse(field(fields, 0))?,
        limit: TimeLimit::parse(field(fields, 1))?,
    })
}

/// Reads the cells of one data row, collecting a [`RowError`] per bad cell.
struct Decoder<'a> {
    row: usize,
    cells: &'a [String],
    errors: Vec<RowError>,
}

impl Decoder<'_> {
    fn cell(&self, column: &str) -> &str {
        ITEM_FIELDS
            .iter()
            .position(|(c, _)| *c == column)
            .and_then(|i| self.cells.get(i))
            .map_or("", String::as_str)
    }

    fn error(&mut self, column: &str, reason: Reason) {
        let value = self.cell(column).to_owned();
        self.errors
            .push(RowError::new(self.row, column, value, reason));
    }

    pub(super) fn get<T>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, Reason>,
    ) -> Option<T> {
        match parse(self.cell(column)) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.error(column, reason);
                None
            }
        }
    }

    fn text(&self, column: &str) -> String {
        self.cell(column).to_owned()
    }
}

/// The legal-settings cells of the row, their errors recorded in `d`.
fn legal_settings(d: &mut Decoder<'_>) -> Option<super::super::legal::LegalSettings> {
    let cells = d.cells;
    let cell = |column: &'static str| {
        ITEM_FIELDS
            .iter()
            .position(|(c, _)| *c == column)
            .and_then(|i| cells.get(i))
            .cloned()
            .unwrap_or_default()
    };
    match legal_cells::decode(&cell) {
        Ok(legal) => Some(legal),
        Err(errors) => {
            for (column, reason) in errors {
                d.error(column, reason);
            }
            None
        }
    }
}

/// Decodes and validates one row (cells in [`ITEM_FIELDS`] order); `row` is 1-based.
pub(crate) fn decode(row: usize, cells: &[String]) -> Result<Item, Vec<RowError>> {
    let mut d = Decoder {
        row,
        cells,
        errors: Vec::new(),
    };
    let codes = (
        d.get("basic_code", |s| Ok(BasicCode::parse(s)?)),
        d.get("implementation_code", |s| Ok(ImplementationCode::parse(s)?)),
        d.get("original_department", |s| Ok(DepartmentCode::parse(s)?)),
        d.get("supervising_department", |s| Ok(DepartmentCode::parse(s)?)),
        d.get("related_items", |s| {
            value_list(s, |v| Ok(BasicCode::parse(v)?))
        }),
    );
    let kinds = (
        d.get("category", |s| Ok(ItemCategory::parse(s)?)),
        d.get("item_type", |s| Ok(ItemType::parse(s)?)),
        d.get("area", |s| Ok(Area::parse(s)?)),
        d.get("power_source", |s| Ok(PowerSource::parse(s)?)),
        d.get("service_objects", |s| {
            value_list(s, |v| Ok(ServiceObject::parse(v)?))
        }),
        d.get("handling_forms", |s| {
            value_list(s, |v| Ok(HandlingForm::parse(v)?))
        }),
        d.get("handling_place", |s| Ok(HandlingPlace::parse(s)?)),
        d.get("case_kind", |s| Ok(CaseKind::parse(s)?)),
    );
    let rules = (
        d.get("legal_basis", |s| list(s, legal_basis)),
        d.get("statutory_limit", |s| Ok(TimeLimit::parse(s)?)),
        d.get("promised_limit", |s| Ok(TimeLimit::parse(s)?)),
        d.get("materials", |s| list(s, material)),
        d.get("fees", |s| list(s, fee)),
        d.get("special_procedures", |s| list(s, special_procedure)),
    );
    let life = (
        d.get("version", parse_count),
        d.get("effective_date", parse_date),
        d.get("cancel_date", |s| {
            optional(s).as_deref().map(parse_date).transpose()
        }),
        d.get("generated", parse_flag),
    );
    let (
        (
            Some(basic_code),
            Some(implementation_code),
            Some(original),
            Some(supervising),
            Some(related),
        ),
        (
            Some(category),
            Some(item_type),
            Some(area),
            Some(power_source),
            Some(service_objects),
            Some(handling_forms),
            Some(handling_place),
            Some(case_kind),
        ),
        (
            Some(legal_basis),
            Some(statutory),
            Some(promised),
            Some(materials),
            Some(fees),
            Some(procedures),
        ),
        (Some(version), Some(effective_date), Some(cancel_date), Some(generated)),
        Some(legal),
    ) = (codes, kinds, rules, life, legal_settings(&mut d))
    else {
        return Err(d.errors);
    };
    let spec = ItemSpec {
        basic_code,
        implementation_code,
        local_code: optional(d.cell("local_code")),
        name: d.text("name"),
        category,
        item_type,
        area,
        power_source,
        service_objects,
        handling_forms,
        legal_basis,
        original_department: original,
        supervising_department: supervising,
        handling_place,
        statutory_limit: statutory,
        promised_limit: promised,
        limit_note: optional(d.cell("limit_note")),
        case_kind,
        materials,
        fees,
        special_procedures: procedures,
        related_items: related,
        version,
        effective_date,
        cancel_date,
        generated,
        legal,
    };
    Item::new(spec).map_err(|invalid| {
        for problem in &invalid.problems {
            d.error(problem.field(), Reason::from(problem));
        }
        d.errors
    })
}
