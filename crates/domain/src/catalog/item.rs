//! The catalog item (事项): what the bureau may decide, under which law, within which limits.
//!
//! [`ItemSpec`] is plain data with public fields, convenient to build, store and render.
//! [`Item`] wraps a spec that passed [`ItemSpec::validate`]; it derefs to the spec for reading,
//! so `item.name` works in templates, but it can only be built by [`Item::new`] (or by
//! deserializing, which runs the same checks). Field names are the interchange column names.

use std::ops::Deref;

use serde::{Deserialize, Serialize};
use time::Date;

use super::code::{BasicCode, DepartmentCode};
use super::date_format;
use super::dict::{
    Area, CaseKind, ExerciseLevel, HandlingForm, HandlingPlace, ItemCategory, ItemType,
    MaterialSource, PowerSource, ServiceObject, SpecialProcedureKind,
};
use super::implementation::ImplementationCode;
use super::legal::LegalSettings;
use super::limit::TimeLimit;
use super::problem::ItemProblem;
use super::uscc::UnifiedSocialCreditCode;

/// 设定依据: one legal provision an item rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// Full title of the law, regulation or rule, e.g. `中华人民共和国食品安全法`.
    pub law: String,
    /// Article(s), e.g. `第三十五条`; absent when only the law is cited.
    pub article: Option<String>,
    /// Quoted text of the provision, when the catalog carries it.
    pub text: Option<String>,
}

/// 申请材料: one document the applicant submits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    /// 原件份数.
    pub originals: u32,
    /// 复印件份数.
    pub copies: u32,
    pub required: bool,
    pub source: MaterialSource,
    /// Whether an electronic license (电子证照) may stand in for the paper document.
    pub e_license_accepted: bool,
}

/// 收费项目. An item without fees is free (Licensing Law Art 58: fees only where a law or
/// administrative regulation provides for them, hence the mandatory basis).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub name: String,
    /// 收费标准, e.g. `每证10元`.
    pub standard: String,
    /// 收费依据: the law or regulation allowing the fee.
    pub basis: String,
}

/// 特别程序: time excluded from the decision limit (Art 45), with its maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialProcedure {
    pub kind: SpecialProcedureKind,
    pub limit: TimeLimit,
}

/// Every field of a catalog item, unchecked. See [`Item`] for the checked form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSpec {
    /// 基本编码.
    pub basic_code: BasicCode,
    /// 实施编码 = implementer's USCC + exercise level + `basic_code`.
    pub implementation_code: ImplementationCode,
    /// 地方编码, free text kept alongside the national codes.
    pub local_code: Option<String>,
    /// 事项名称.
    pub name: String,
    pub category: ItemCategory,
    pub item_type: ItemType,
    pub area: Area,
    pub power_source: PowerSource,
    /// 服务对象, at least one, no repeats.
    pub service_objects: Vec<ServiceObject>,
    /// 办理形式, at least one, no repeats.
    pub handling_forms: Vec<HandlingForm>,
    pub legal_basis: Vec<LegalBasis>,
    /// The department that held the power before the reform (原审批部门).
    pub original_department: DepartmentCode,
    /// The department that supervises licensees afterwards (监管部门, 审管互动).
    pub supervising_department: DepartmentCode,
    pub handling_place: HandlingPlace,
    /// 法定办结时限.
    pub statutory_limit: TimeLimit,
    /// 承诺办结时限; never longer than the statutory one (see [`TimeLimit::fits_within`]).
    pub promised_limit: TimeLimit,
    /// 时限说明: extensions, assumptions, unverified sources.
    pub limit_note: Option<String>,
    pub case_kind: CaseKind,
    pub materials: Vec<Material>,
    /// Empty means free of charge.
    pub fees: Vec<Fee>,
    pub special_procedures: Vec<SpecialProcedure>,
    /// For a licensing item, the basic codes of its related items (关联事项).
    pub related_items: Vec<BasicCode>,
    /// Catalog version of this item, from 1; cases pin the version they were filed under.
    pub version: u32,
    #[serde(with = "date_format")]
    pub effective_date: Date,
    #[serde(with = "date_format::option")]
    pub cancel_date: Option<Date>,
    /// True for items synthesized to reach the reform's scale in demos; never for real items.
    pub generated: bool,
    /// Where the item's own law departs from the Licensing Law's general rules, with sources.
    /// Items stored before the settings existed read as the general rules.
    #[serde(default)]
    pub legal: LegalSettings,
}

/// The invalid spec's problems, all of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("catalog item is invalid: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidItem {
    pub problems: Vec<ItemProblem>,
}

/// A catalog item whose spec passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ItemSpec", into = "ItemSpec")]
pub struct Item(ItemSpec);

impl Item {
    /// Checks the spec; returns every problem found, not just the first.
    pub fn new(spec: ItemSpec) -> Result<Self, InvalidItem> {
        let problems = spec.validate();
        if problems.is_empty() {
            Ok(Self(spec))
        } else {
            Err(InvalidItem { problems })
        }
    }

    /// Re-runs the checks; empty for every `Item`, kept so callers can assert it after loading.
    pub fn validate(&self) -> Vec<ItemProblem> {
        self.0.validate()
    }

    pub fn spec(&self) -> &ItemSpec {
        &self.0
    }

    pub fn into_spec(self) -> ItemSpec {
        self.0
    }

    /// The same item implemented by another body or level. Infallible: the new implementation
    /// code is built from the item's own basic code, and nothing else changes.
    pub fn with_implementer(
        mut self,
        implementer: &UnifiedSocialCreditCode,
        level: ExerciseLevel,
    ) -> Self {
        self.0.implementation_code =
            ImplementationCode::new(implementer, level, &self.0.basic_code);
        self
    }

    pub fn is_free(&self) -> bool {
        self.0.fees.is_empty()
    }
}

impl Deref for Item {
    type Target = ItemSpec;
    fn deref(&self) -> &ItemSpec {
        &self.0
    }
}

impl TryFrom<ItemSpec> for Item {
    type Error = InvalidItem;
    fn try_from(spec: ItemSpec) -> Result<Self, InvalidItem> {
        Self::new(spec)
    }
}

impl From<Item> for ItemSpec {
    fn from(item: Item) -> Self {
        item.0
    }
}

#[cfg(test)]
mod tests {
    use super::super::testgen::{catalog, valid_spec};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn invalid_spec_is_refused_with_all_its_problems() {
        let mut spec = valid_spec();
        spec.name = String::new();
        spec.version = 0;
        let err = Item::new(spec).unwrap_err();
        assert_eq!(err.problems.len(), 2);
        assert_eq!(
            err.to_string(),
            "catalog item is invalid: name is empty; version must be 1 or more"
        );
    }

    #[test]
    fn json_uses_codes_and_iso_dates() {
        let item = Item::new(valid_spec()).unwrap();
        let json = serde_json::to_value(&item).unwrap();
        assert_eq!(json["basic_code"], "990100001000");
        assert_eq!(json["item_type"], "01");
        assert_eq!(json["handling_place"], "transferred");
        assert_eq!(json["statutory_limit"]["unit"], "WD");
        assert_eq!(json["effective_date"], "2019-01-01");
        assert_eq!(json["cancel_date"], serde_json::Value::Null);
    }

    #[test]
    fn json_of_an_invalid_item_does_not_deserialize() {
        let item = Item::new(valid_spec()).unwrap();
        let mut json = serde_json::to_value(&item).unwrap();
        json["promised_limit"]["value"] = 99.into();
        let err = serde_json::from_value::<Item>(json).unwrap_err();
        assert!(
            err.to_string().contains("promised limit 99 WD is longer"),
            "{err}"
        );
    }

    #[test]
    fn another_implementer_keeps_the_basic_code() {
        let other = UnifiedSocialCreditCode::parse("914403001922038216").unwrap();
        let item = Item::new(valid_spec())
            .unwrap()
            .with_implementer(&other, ExerciseLevel::County);
        assert_eq!(
            item.implementation_code.as_str(),
            "9144030019220382164990100001000"
        );
        assert!(item.validate().is_empty());
    }

    #[test]
    fn an_item_without_fees_is_free() {
        let item = Item::new(valid_spec()).unwrap();
        assert!(item.is_free());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn items_round_trip_through_json(items in catalog()) {
            let json = serde_json::to_string(&items).unwrap();
            prop_assert_eq!(serde_json::from_str::<Vec<Item>>(&json).unwrap(), items);
        }
    }
}
