//! The item catalog (事项目录 / 实施清单): which licensing items and related items the bureau
//! handles, under which law, with which materials, fees and time limits (domain.md §2, §8, §11).
//!
//! The catalog is the input of every legal clock: a case pins the item version it was filed
//! under, and its decision deadline starts from the item's statutory and promised limits.
//! Codes and dictionaries follow the national platform so that items can be exchanged with it;
//! [`interchange`] reads and writes the list as CSV or XLSX; [`demo`] builds the demonstration
//! catalog of the reform (190 licensing + 81 related items transferred, 90 at hall windows,
//! 10 kept at departments).
//!
//! Pure: no I/O, no clock. Dates are parameters or data.

pub mod code;
pub mod date_format;
pub mod deferrable;
pub mod demo;
pub mod dict;
pub mod guide;
pub mod implementation;
pub mod interchange;
pub mod item;
pub mod legal;
pub mod limit;
pub mod policy;
pub mod problem;
pub mod uscc;
pub mod validate;

#[cfg(test)]
mod legal_docs_tests;
#[cfg(test)]
mod testgen;

pub use code::{BasicCode, CodeError, CodeKind, DepartmentCode, DivisionCode, DivisionLevel};
pub use demo::{DEMO_TARGETS, DemoTotals, demo_catalog, demo_totals, real_items};
pub use dict::{
    Area, CaseKind, DictionaryError, ExerciseLevel, HandlingForm, HandlingPlace, ItemCategory,
    ItemType, MaterialSource, PowerSource, ServiceObject, SpecialProcedureKind,
};
pub use implementation::ImplementationCode;
pub use interchange::{
    ExportError, ImportError, RowError, export_csv, export_xlsx, import_csv, import_xlsx,
};
pub use item::{Fee, InvalidItem, Item, ItemSpec, LegalBasis, Material, SpecialProcedure};
pub use legal::{
    Cited, ClockStart, ExcludedCap, ExtensionAllowance, LegalSettings, LegalSettingsError,
    NoticeWindow,
};
pub use limit::{LimitUnit, TimeLimit, TimeLimitError, pair_zh};
pub use problem::{ITEM_FIELDS, ItemProblem, Location, TextFault};
pub use uscc::UnifiedSocialCreditCode;
