//! Test data: one hand-written valid spec and proptest strategies for valid items and catalogs.

use proptest::prelude::*;
use time::Date;

use super::code::{BasicCode, DepartmentCode};
use super::dict::{
    Area, CaseKind, ExerciseLevel, HandlingForm, HandlingPlace, ItemCategory, ItemType,
    MaterialSource, PowerSource, ServiceObject, SpecialProcedureKind,
};
use super::implementation::ImplementationCode;
use super::item::{Fee, Item, ItemSpec, LegalBasis, Material, SpecialProcedure};
use super::limit::{LimitUnit, TimeLimit};
use super::uscc::UnifiedSocialCreditCode;

/// A real county bureau's code (domain.md §2), standing in for any implementer.
pub(crate) fn bureau() -> UnifiedSocialCreditCode {
    UnifiedSocialCreditCode::parse("11450721MB15580811").unwrap()
}

fn basic(s: &str) -> BasicCode {
    BasicCode::parse(s).unwrap()
}

fn dept(s: &str) -> DepartmentCode {
    DepartmentCode::parse(s).unwrap()
}

pub(crate) fn valid_spec() -> ItemSpec {
    let basic_code = basic("990100001000");
    ItemSpec {
        implementation_code: ImplementationCode::new(&bureau(), ExerciseLevel::City, &basic_code),
        basic_code,
        local_code: None,
        name: "食品经营许可".to_owned(),
        category: ItemCategory::Licensing,
        item_type: ItemType::AdministrativeLicensing,
        area: Area::Market,
        power_source: PowerSource::StatutoryOwnLevel,
        service_objects: vec![ServiceObject::EnterpriseLegalPerson],
        handling_forms: vec![HandlingForm::Window, HandlingForm::Online],
        legal_basis: vec![LegalBasis {
            law: "中华人民共和国食品安全法".to_owned(),
            article: Some("第三十五条".to_owned()),
            text: None,
        }],
        original_department: dept("SCJG"),
        supervising_department: dept("SCJG"),
        handling_place: HandlingPlace::Transferred,
        statutory_limit: TimeLimit::working_days(20),
        promised_limit: TimeLimit::working_days(10),
        limit_note: None,
        case_kind: CaseKind::Commitment,
        materials: vec![Material {
            name: "食品经营许可申请书".to_owned(),
            originals: 1,
            copies: 0,
            required: true,
            source: MaterialSource::Applicant,
            e_license_accepted: false,
        }],
        fees: vec![],
        special_procedures: vec![],
        related_items: vec![],
        version: 1,
        effective_date: Date::from_calendar_date(2019, time::Month::January, 1).unwrap(),
        cancel_date: None,
        generated: false,
        legal: super::legal::LegalSettings::default(),
    }
}

/// Trimmed, non-empty text full of characters the cell syntax and CSV must escape.
pub(crate) fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('一', '龥'),
            2 => proptest::sample::select(vec![
                '|', ';', '\\', ',', '"', '\'', ' ', '=', '-', '（', '）', '；', 'a', 'Z', '7', '_',
            ]),
        ],
        1..max,
    )
    .prop_map(|chars| {
        let s: String = chars.into_iter().collect();
        let t = s.trim();
        if t.is_empty() {
            "甲".to_owned()
        } else {
            t.to_owned()
        }
    })
}

/// Like [`text`] but may hold inner line breaks.
fn long_text() -> impl Strategy<Value = String> {
    (text(12), text(12), any::<bool>()).prop_map(|(a, b, nl)| {
        if nl {
            format!("{a}\n{b}")
        } else {
            format!("{a} {b}")
        }
    })
}

fn pick<T: Clone + std::fmt::Debug + 'static>(all: &[T]) -> impl Strategy<Value = T> + use<T> {
    proptest::sample::select(all.to_vec())
}

fn subset<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = Vec<T>> {
    proptest::sample::subsequence(all.to_vec(), 1..=all.len()).prop_shuffle()
}

fn date() -> impl Strategy<Value = Date> {
    (2000i32..2100, 1u16..=365).prop_map(|(y, d)| Date::from_ordinal_date(y, d).unwrap())
}

fn limits() -> impl Strategy<Value = (TimeLimit, TimeLimit)> {
    (0u32..400, pick(LimitUnit::ALL)).prop_flat_map(|(v, u)| {
        (
            Just(TimeLimit::new(v, u)),
            (0..=v).prop_map(move |p| TimeLimit::new(p, u)),
        )
    })
}

fn legal_basis() -> impl Strategy<Value = LegalBasis> {
    (
        text(20),
        proptest::option::of(text(8)),
        proptest::option::of(long_text()),
    )
        .prop_map(|(law, article, text)| LegalBasis { law, article, text })
}

fn material() -> impl Strategy<Value = Material> {
    (
        text(20),
        0u32..=99,
        0u32..=99,
        any::<bool>(),
        pick(MaterialSource::ALL),
        any::<bool>(),
    )
        .prop_map(
            |(name, originals, copies, required, source, e_license_accepted)| Material {
                name,
                originals,
                copies,
                required,
                source,
                e_license_accepted,
            },
        )
}

fn fee() -> impl Strategy<Value = Fee> {
    (text(10), text(10), text(20)).prop_map(|(name, standard, basis)| Fee {
        name,
        standard,
        basis,
    })
}

fn procedure() -> impl Strategy<Value = SpecialProcedure> {
    (
        pick(SpecialProcedureKind::ALL),
        1u32..100,
        pick(LimitUnit::ALL),
    )
        .prop_map(|(kind, v, u)| SpecialProcedure {
            kind,
            limit: TimeLimit::new(v, u),
        })
}

fn department() -> impl Strategy<Value = DepartmentCode> {
    "[A-Z][A-Z0-9]{1,11}".prop_map(|s| dept(&s))
}

/// A valid spec for `basic_code`, with no related items (the catalog strategy adds them).
fn spec(category: ItemCategory, basic_code: BasicCode) -> impl Strategy<Value = ItemSpec> {
    let identity = (
        proptest::option::of(text(10)),
        text(30),
        pick(ItemType::ALL),
        pick(Area::ALL),
        pick(PowerSource::ALL),
        subset(ServiceObject::ALL),
        subset(HandlingForm::ALL),
        proptest::collection::vec(legal_basis(), 1..3),
        department(),
        department(),
        pick(HandlingPlace::ALL),
        pick(ExerciseLevel::ALL),
    );
    let rules = (
        limits(),
        proptest::option::of(long_text()),
        pick(CaseKind::ALL),
        proptest::collection::vec(material(), 0..4),
        proptest::collection::vec(fee(), 0..3),
        proptest::collection::vec(procedure(), 0..3),
        1u32..20,
        date(),
        proptest::option::of(1i64..4000),
        any::<bool>(),
    );
    (identity, rules).prop_map(move |(id, rules)| {
        let (local_code, name, item_type, area, power_source, service_objects, handling_forms) =
            (id.0, id.1, id.2, id.3, id.4, id.5, id.6);
        let (legal_basis, original_department, supervising_department, handling_place, level) =
            (id.7, id.8, id.9, id.10, id.11);
        let ((statutory_limit, promised), limit_note, case_kind, materials, fees, procedures) =
            (rules.0, rules.1, rules.2, rules.3, rules.4, rules.5);
        let (version, effective_date, cancel_after, generated) =
            (rules.6, rules.7, rules.8, rules.9);
        let mut seen = std::collections::HashSet::new();
        let materials = materials
            .into_iter()
            .filter(|m| seen.insert(m.name.clone()))
            .collect();
        let mut kinds = std::collections::HashSet::new();
        let special_procedures = procedures
            .into_iter()
            .filter(|p| kinds.insert(p.kind))
            .collect();
        ItemSpec {
            implementation_code: ImplementationCode::new(&bureau(), level, &basic_code),
            basic_code: basic_code.clone(),
            local_code,
            name,
            category,
            item_type: if category == ItemCategory::Licensing {
                ItemType::AdministrativeLicensing
            } else {
                item_type
            },
            area,
            power_source,
            service_objects,
            handling_forms,
            legal_basis,
            original_department,
            supervising_department,
            handling_place,
            statutory_limit,
            promised_limit: if case_kind == CaseKind::Immediate {
                TimeLimit::new(0, promised.unit)
            } else {
                promised
            },
            limit_note,
            case_kind,
            materials,
            fees,
            special_procedures,
            related_items: vec![],
            version,
            effective_date,
            cancel_date: cancel_after.map(|d| effective_date + time::Duration::days(d)),
            generated,
            legal: legal_for(version),
        }
    })
}

/// A valid catalog: unique basic codes; licensing items list some of the related items.
pub(crate) fn catalog() -> impl Strategy<Value = Vec<Item>> {
    (
        proptest::collection::vec(any::<bool>(), 1..6),
        0u64..999_999_000_000,
    )
        .prop_flat_map(|(kinds, base)| {
            let specs: Vec<_> = kinds
                .iter()
                .enumerate()
                .map(|(i, &licensing)| {
                    let code = basic(&format!("{:012}", base + i as u64));
                    let category = if licensing {
                        ItemCategory::Licensing
                    } else {
                        ItemCategory::Related
                    };
                    spec(category, code)
                })
                .collect();
            (specs, any::<proptest::sample::Index>())
        })
        .prop_map(|(mut specs, index)| {
            let related: Vec<BasicCode> = specs
                .iter()
                .filter(|s| s.category == ItemCategory::Related)
                .map(|s| s.basic_code.clone())
                .collect();
            if !related.is_empty() {
                let n = index.index(related.len() + 1);
                if let Some(parent) = specs
                    .iter_mut()
                    .find(|s| s.category == ItemCategory::Licensing)
                {
                    parent.related_items = related.into_iter().take(n).collect();
                }
            }
            specs.into_iter().map(|s| Item::new(s).unwrap()).collect()
        })
}

/// Settings that vary with `seed`, so round trips cover special-law values and odd sources.
fn legal_for(seed: u32) -> super::legal::LegalSettings {
    use super::legal::{Cited, ClockStart, ExcludedCap, ExtensionAllowance, LegalSettings};
    let mut legal = LegalSettings::default();
    if seed.is_multiple_of(2) {
        legal.extension = Cited::new(ExtensionAllowance::None, "《建筑法》第八条|;\\");
        legal.clock_start = Cited::new(ClockStart::Receipt, "《建筑法》第八条");
        legal.renewal_lead = Some(Cited::new(TimeLimit::days(60), "条例第十四条"));
        legal.licence_term = Some(Cited::new(TimeLimit::months(60), "条例第十四条"));
        legal.hearing_required = Some("《某规章》第十条|;".into());
        if let Ok(cap) = ExcludedCap::new(
            super::dict::SpecialProcedureKind::ExpertReview,
            TimeLimit::working_days(20),
            "住建部令第51号",
        ) {
            legal.excluded_caps.push(cap);
        }
    }
    legal
}
