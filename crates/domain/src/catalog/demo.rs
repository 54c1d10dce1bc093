//! The demonstration catalog: the real seed items of domain.md §8 plus generated items that
//! bring the totals to the reform's scale.
//!
//! Targets ([`DEMO_TARGETS`]): 190 licensing items and 81 related items transferred to the
//! bureau, 90 items handled at department windows in the hall, 10 kept at departments.
//!
//! * Real items come from `data/catalog/real-items.csv` (embedded at compile time). Their basic
//!   codes (`9901nnnnnkkk`) are placeholders: the national codes were not retrieved.
//! * Generated items are marked `generated = true`, named `（演示生成）…`, and coded
//!   `9902` + an 8-digit serial. They are deterministic: the same call gives the same catalog.
//! * Every implementation code is the bureau's USCC + level 3 (city) + the basic code, as the
//!   bureau is the implementer of record in this demo.

use time::macros::date;

use super::code::{BasicCode, DepartmentCode};
use super::dict::{
    Area, CaseKind, ExerciseLevel, HandlingForm, HandlingPlace, ItemCategory, ItemType,
    MaterialSource, PowerSource, ServiceObject, SpecialProcedureKind,
};
use super::implementation::ImplementationCode;
use super::interchange::{ImportError, import_csv};
use super::item::{Item, ItemSpec, LegalBasis, Material, SpecialProcedure};
use super::limit::TimeLimit;
use super::uscc::UnifiedSocialCreditCode;

const REAL_ITEMS_CSV: &str = include_str!("../../data/catalog/real-items.csv");

/// How many items of each kind a catalog holds, as the reform counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct DemoTotals {
    /// Licensing items (行政许可事项) transferred to the bureau.
    pub licensing_transferred: usize,
    /// Related items (关联事项) transferred to the bureau.
    pub related_transferred: usize,
    /// Items handled at department windows in the hall (any category).
    pub hall_window: usize,
    /// Items kept at departments (any category).
    pub department: usize,
}

/// The reform's totals that [`demo_catalog`] reaches.
pub const DEMO_TARGETS: DemoTotals = DemoTotals {
    licensing_transferred: 190,
    related_transferred: 81,
    hall_window: 90,
    department: 10,
};

/// Counts a catalog by the reform's categories.
pub fn demo_totals(items: &[Item]) -> DemoTotals {
    let mut t = DemoTotals::default();
    for item in items {
        match (item.handling_place, item.category) {
            (HandlingPlace::Transferred, ItemCategory::Licensing) => t.licensing_transferred += 1,
            (HandlingPlace::Transferred, ItemCategory::Related) => t.related_transferred += 1,
            (HandlingPlace::HallWindow, _) => t.hall_window += 1,
            (HandlingPlace::Department, _) => t.department += 1,
        }
    }
    t
}

/// The real seed items as shipped (implementation codes use a fictional placeholder USCC,
/// `11370100MB00000007`). An error here means the embedded file is broken.
pub fn real_items() -> Result<Vec<Item>, ImportError> {
    import_csv(REAL_ITEMS_CSV.as_bytes())
}

/// The full demo catalog implemented by `bureau_uscc`: real items first, then generated ones.
///
/// The embedded data is checked by this module's tests; should it ever fail to import, the real
/// part is empty and the generated part alone is returned (the totals test would catch it).
pub fn demo_catalog(bureau_uscc: &UnifiedSocialCreditCode) -> Vec<Item> {
    let real: Vec<Item> = real_items()
        .unwrap_or_default()
        .into_iter()
        .map(|item| item.with_implementer(bureau_uscc, ExerciseLevel::City))
        .collect();
    let have = demo_totals(&real);
    let generated = Generator::new(bureau_uscc).generate(have);
    real.into_iter().chain(generated).collect()
}

/// A department that generated items are attributed to, with its area and short name.
struct Dept {
    code: &'static str,
    zh: &'static str,
    area: Area,
}

const fn dept(code: &'static str, zh: &'static str, area: Area) -> Dept {
    Dept { code, zh, area }
}

/// Departments whose licensing powers were transferred.
const TRANSFERRING: [Dept; 14] = [
    dept("SCJG", "市场监管", Area::Market),
    dept("RS", "人社", Area::Market),
    dept("WL", "文旅", Area::Market),
    dept("WJ", "卫健", Area::Livelihood),
    dept("FG", "发改", Area::Investment),
    dept("ZJ", "住建", Area::Investment),
    dept("ZRZY", "自然资源和规划", Area::Investment),
    dept("SW", "水务", Area::Investment),
    dept("CG", "城管", Area::Urban),
    dept("YL", "园林绿化", Area::Urban),
    dept("STHJ", "生态环境", Area::Environment),
    dept("JT", "交通运输", Area::Transport),
    dept("MZ", "民政", Area::Livelihood),
    dept("JY", "教育", Area::Livelihood),
];

/// Vertical agencies and utilities with windows in the hall.
const HALL: [Dept; 6] = [
    dept("GA", "公安", Area::Livelihood),
    dept("SWJ", "税务", Area::Market),
    dept("GD", "供电", Area::Investment),
    dept("GS", "供水", Area::Investment),
    dept("RQ", "燃气", Area::Investment),
    dept("GR", "供热", Area::Investment),
];

/// Departments keeping a few items (e.g. those tied to inspection or emergencies).
const KEEPING: [Dept; 5] = [
    dept("STHJ", "生态环境", Area::Environment),
    dept("ZRZY", "自然资源和规划", Area::Investment),
    dept("JT", "交通运输", Area::Transport),
    dept("WJ", "卫健", Area::Livelihood),
    dept("SCJG", "市场监管", Area::Market),
];

/// (statutory, promised) pairs rotated through by serial; promised ≤ statutory in each. All in
/// working days (Licensing Law Art. 82), the one way the bureau writes its limits: generated
/// items have no statute of their own that would count calendar days.
fn generated_limits(serial: u32) -> (TimeLimit, TimeLimit) {
    let wd = TimeLimit::working_days;
    match serial % 6 {
        0 => (wd(20), wd(10)),
        1 => (wd(20), wd(5)),
        2 => (wd(15), wd(5)),
        3 => (wd(30), wd(15)),
        4 => (wd(10), wd(5)),
        _ => (wd(45), wd(20)),
    }
}

/// What a generated item is, before it gets its serial.
struct Shape {
    dept: &'static Dept,
    category: ItemCategory,
    item_type: ItemType,
    place: HandlingPlace,
    label: &'static str,
}

/// Departments rotated over `n` items.
fn rotate(depts: &'static [Dept], n: usize) -> impl Iterator<Item = &'static Dept> {
    depts.iter().cycle().take(n)
}

/// Public-security windows handle licensing items; tax and utility windows handle the related
/// services (报装, 发票) that the bureau's items depend on.
fn hall_shape(dept: &'static Dept) -> Shape {
    let (category, item_type, label) = if dept.code == "GA" {
        (
            ItemCategory::Licensing,
            ItemType::AdministrativeLicensing,
            "窗口许可事项",
        )
    } else {
        (
            ItemCategory::Related,
            ItemType::PublicService,
            "窗口服务事项",
        )
    };
    Shape {
        dept,
        category,
        item_type,
        place: HandlingPlace::HallWindow,
        label,
    }
}

fn transferred_shape(dept: &'static Dept, category: ItemCategory) -> Shape {
    Shape {
        dept,
        category,
        item_type: ItemType::AdministrativeLicensing,
        place: HandlingPlace::Transferred,
        label: match category {
            ItemCategory::Licensing => "许可事项",
            ItemCategory::Related => "关联事项",
        },
    }
}

fn kept_shape(dept: &'static Dept) -> Shape {
    Shape {
        dept,
        category: ItemCategory::Licensing,
        item_type: ItemType::AdministrativeLicensing,
        place: HandlingPlace::Department,
        label: "部门保留事项",
    }
}

struct Generator<'a> {
    bureau: &'a UnifiedSocialCreditCode,
    serial: u32,
}

impl<'a> Generator<'a> {
    fn new(bureau: &'a UnifiedSocialCreditCode) -> Self {
        Self { bureau, serial: 0 }
    }

    /// Generates what is missing from `have` to reach [`DEMO_TARGETS`].
    fn generate(mut self, have: DemoTotals) -> Vec<Item> {
        let gap = |target: usize, have: usize| target.saturating_sub(have);
        let licensing = gap(
            DEMO_TARGETS.licensing_transferred,
            have.licensing_transferred,
        );
        let related = gap(DEMO_TARGETS.related_transferred, have.related_transferred);
        let hall = gap(DEMO_TARGETS.hall_window, have.hall_window);
        let kept = gap(DEMO_TARGETS.department, have.department);

        let mut licensing_specs = self.specs(
            rotate(&TRANSFERRING, licensing).map(|d| transferred_shape(d, ItemCategory::Licensing)),
        );
        let related_specs = self.specs(
            rotate(&TRANSFERRING, related).map(|d| transferred_shape(d, ItemCategory::Related)),
        );
        // Each generated licensing item lists the generated related item of the same rank.
        for (parent, child) in licensing_specs.iter_mut().zip(&related_specs) {
            parent.related_items.push(child.basic_code.clone());
        }
        let hall_specs = self.specs(rotate(&HALL, hall).map(hall_shape));
        let kept_specs = self.specs(rotate(&KEEPING, kept).map(kept_shape));

        licensing_specs
            .into_iter()
            .chain(related_specs)
            .chain(hall_specs)
            .chain(kept_specs)
            .filter_map(|spec| Item::new(spec).ok())
            .collect()
    }

    fn specs(&mut self, shapes: impl Iterator<Item = Shape>) -> Vec<ItemSpec> {
        shapes.filter_map(|shape| self.spec(&shape)).collect()
    }

    /// One generated spec; `None` only if a constant code were malformed (tests rule it out).
    fn spec(&mut self, shape: &Shape) -> Option<ItemSpec> {
        self.serial += 1;
        let serial = self.serial;
        let basic_code = BasicCode::parse(&format!("9902{serial:08}")).ok()?;
        let department = DepartmentCode::parse(shape.dept.code).ok()?;
        let (statutory_limit, promised_limit) = generated_limits(serial);
        let licensing = shape.category == ItemCategory::Licensing;
        Some(ItemSpec {
            implementation_code: ImplementationCode::new(
                self.bureau,
                ExerciseLevel::City,
                &basic_code,
            ),
            basic_code,
            local_code: None,
            name: format!("（演示生成）{}{} {serial:03}", shape.dept.zh, shape.label),
            category: shape.category,
            item_type: shape.item_type,
            area: shape.dept.area,
            power_source: PowerSource::StatutoryOwnLevel,
            service_objects: vec![
                ServiceObject::EnterpriseLegalPerson,
                ServiceObject::UnincorporatedEnterprise,
            ],
            handling_forms: vec![HandlingForm::Window, HandlingForm::Online],
            legal_basis: if licensing {
                generated_basis()
            } else {
                Vec::new()
            },
            original_department: department.clone(),
            supervising_department: department,
            handling_place: shape.place,
            statutory_limit,
            promised_limit,
            limit_note: Some("演示生成事项，时限为示例值".to_owned()),
            case_kind: CaseKind::Commitment,
            materials: generated_materials(),
            fees: Vec::new(),
            special_procedures: if licensing && serial.is_multiple_of(7) {
                vec![SpecialProcedure {
                    kind: SpecialProcedureKind::ExpertReview,
                    limit: TimeLimit::working_days(20),
                }]
            } else {
                Vec::new()
            },
            related_items: Vec::new(),
            version: 1,
            effective_date: date!(2019 - 01 - 01),
            cancel_date: None,
            generated: true,
            legal: super::legal::LegalSettings::default(),
        })
    }
}

/// Licensing Law Art 12 lists the matters a licence may be set for; generated licensing items
/// cite it so that they validate without inventing a statute.
fn generated_basis() -> Vec<LegalBasis> {
    vec![LegalBasis {
        law: "中华人民共和国行政许可法".to_owned(),
        article: Some("第十二条".to_owned()),
        text: None,
    }]
}

fn generated_materials() -> Vec<Material> {
    vec![
        Material {
            name: "申请书".to_owned(),
            originals: 1,
            copies: 0,
            required: true,
            source: MaterialSource::Applicant,
            e_license_accepted: false,
        },
        Material {
            name: "营业执照".to_owned(),
            originals: 0,
            copies: 1,
            required: true,
            source: MaterialSource::Department,
            e_license_accepted: true,
        },
    ]
}

#[cfg(test)]
mod tests;
