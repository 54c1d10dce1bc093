//! The rules a catalog item must satisfy, each reported as an [`ItemProblem`] naming the field
//! (= interchange column) it concerns, in English (`Display`) and Chinese (`reason_zh`).
//!
//! Free text must be trimmed and free of control characters (line breaks are allowed in the
//! quoted legal text and the limit note only), so every valid item survives a CSV or XLSX
//! round trip unchanged.

use std::collections::HashSet;

use super::dict::{CaseKind, ItemCategory, ItemType};
use super::item::ItemSpec;
use super::problem::{
    ItemProblem, Location, MAX_COPIES, MAX_LOCAL_CODE, MAX_LONG_TEXT, MAX_NAME, MAX_SHORT_TEXT,
    TextFault,
};

/// Collects problems while walking one spec.
struct Checker {
    problems: Vec<ItemProblem>,
}

impl Checker {
    fn text(&mut self, at: Location, value: &str, max: usize, allow_newline: bool) {
        let fault = if value.is_empty() {
            Some(TextFault::Empty)
        } else if value.trim() != value {
            Some(TextFault::Untrimmed)
        } else if value
            .chars()
            .any(|c| c.is_control() && !(allow_newline && c == '\n'))
        {
            Some(TextFault::ControlCharacter)
        } else if value.chars().count() > max {
            Some(TextFault::TooLong { max })
        } else {
            None
        };
        if let Some(fault) = fault {
            self.problems.push(ItemProblem::Text { at, fault });
        }
    }

    fn optional_text(&mut self, at: Location, value: Option<&str>, max: usize, nl: bool) {
        if let Some(v) = value {
            self.text(at, v, max, nl);
        }
    }

    fn distinct<T: Eq + std::hash::Hash>(
        &mut self,
        field: &'static str,
        values: impl IntoIterator<Item = T>,
        show: impl Fn(&T) -> String,
    ) {
        let mut seen = HashSet::new();
        for v in values {
            let shown = show(&v);
            if !seen.insert(v) {
                self.problems.push(ItemProblem::Duplicate {
                    field,
                    value: shown,
                });
            }
        }
    }

    fn non_empty(&mut self, field: &'static str, len: usize) {
        if len == 0 {
            self.problems.push(ItemProblem::EmptyList(field));
        }
    }
}

impl ItemSpec {
    /// Every problem of this spec; empty when it may become an [`super::item::Item`].
    pub fn validate(&self) -> Vec<ItemProblem> {
        let mut c = Checker {
            problems: Vec::new(),
        };
        self.check_identity(&mut c);
        self.check_limits(&mut c);
        self.check_lists(&mut c);
        self.check_related(&mut c);
        if self.version == 0 {
            c.problems.push(ItemProblem::ZeroVersion);
        }
        if let Some(cancel) = self.cancel_date
            && cancel <= self.effective_date
        {
            c.problems.push(ItemProblem::CancelNotAfterEffective {
                effective: self.effective_date,
                cancel,
            });
        }
        c.problems
    }

    fn check_identity(&self, c: &mut Checker) {
        if self.implementation_code.basic_code() != self.basic_code {
            c.problems.push(ItemProblem::ImplementationCodeMismatch {
                implementation_code: self.implementation_code.clone(),
                basic_code: self.basic_code.clone(),
            });
        }
        let local = self.local_code.as_deref();
        c.optional_text(Location::field("local_code"), local, MAX_LOCAL_CODE, false);
        c.text(Location::field("name"), &self.name, MAX_NAME, false);
        if self.category == ItemCategory::Licensing {
            if self.item_type != ItemType::AdministrativeLicensing {
                c.problems
                    .push(ItemProblem::LicensingItemWrongType(self.item_type));
            }
            if self.legal_basis.is_empty() {
                c.problems.push(ItemProblem::MissingLegalBasis);
            }
        }
        for (i, b) in self.legal_basis.iter().enumerate() {
            c.text(
                Location::entry("legal_basis", i, "law"),
                &b.law,
                MAX_NAME,
                false,
            );
            let article = b.article.as_deref();
            let at = Location::entry("legal_basis", i, "article");
            c.optional_text(at, article, MAX_NAME, false);
            let at = Location::entry("legal_basis", i, "text");
            c.optional_text(at, b.text.as_deref(), MAX_LONG_TEXT, true);
        }
    }

    fn check_limits(&self, c: &mut Checker) {
        if !self.promised_limit.fits_within(self.statutory_limit) {
            c.problems.push(ItemProblem::PromisedExceedsStatutory {
                promised: self.promised_limit,
                statutory: self.statutory_limit,
            });
        }
        if self.case_kind == CaseKind::Immediate && self.promised_limit.value != 0 {
            c.problems
                .push(ItemProblem::ImmediateWithDelay(self.promised_limit));
        }
        let note = self.limit_note.as_deref();
        c.optional_text(Location::field("limit_note"), note, MAX_SHORT_TEXT, true);
        for (i, p) in self.special_procedures.iter().enumerate() {
            if p.limit.value == 0 {
                let at = Location::entry("special_procedures", i, "limit");
                c.problems.push(ItemProblem::ZeroLimit { at });
            }
        }
        c.distinct(
            "special_procedures",
            self.special_procedures.iter().map(|p| p.kind),
            |k| k.code().to_owned(),
        );
    }

    fn check_lists(&self, c: &mut Checker) {
        c.non_empty("service_objects", self.service_objects.len());
        c.distinct(
            "service_objects",
            self.service_objects.iter().copied(),
            |s| s.code().to_owned(),
        );
        c.non_empty("handling_forms", self.handling_forms.len());
        c.distinct("handling_forms", self.handling_forms.iter().copied(), |f| {
            f.code().to_owned()
        });
        for (i, m) in self.materials.iter().enumerate() {
            c.text(
                Location::entry("materials", i, "name"),
                &m.name,
                MAX_NAME,
                false,
            );
            for (part, n) in [("originals", m.originals), ("copies", m.copies)] {
                if n > MAX_COPIES {
                    let at = Location::entry("materials", i, part);
                    c.problems.push(ItemProblem::CountTooLarge {
                        at,
                        max: MAX_COPIES,
                    });
                }
            }
        }
        c.distinct(
            "materials",
            self.materials.iter().map(|m| m.name.as_str()),
            |n| (*n).to_owned(),
        );
        for (i, f) in self.fees.iter().enumerate() {
            c.text(Location::entry("fees", i, "name"), &f.name, MAX_NAME, false);
            let at = Location::entry("fees", i, "standard");
            c.text(at, &f.standard, MAX_SHORT_TEXT, false);
            c.text(
                Location::entry("fees", i, "basis"),
                &f.basis,
                MAX_SHORT_TEXT,
                false,
            );
        }
    }

    fn check_related(&self, c: &mut Checker) {
        if self.category == ItemCategory::Related && !self.related_items.is_empty() {
            c.problems.push(ItemProblem::RelatedItemListsRelatedItems);
        }
        if self.related_items.contains(&self.basic_code) {
            c.problems.push(ItemProblem::RelatedToItself);
        }
        c.distinct("related_items", self.related_items.iter(), |b| {
            b.to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::code::BasicCode;
    use super::super::limit::TimeLimit;
    use super::super::problem::*;
    use super::super::testgen::valid_spec;
    use super::*;

    #[test]
    fn sample_spec_has_no_problems() {
        assert_eq!(valid_spec().validate(), vec![]);
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let mut spec = valid_spec();
        spec.name = " 食品经营许可".to_owned();
        spec.version = 0;
        spec.service_objects.clear();
        spec.promised_limit = TimeLimit::working_days(30);
        let problems = spec.validate();
        let fields: Vec<_> = problems.iter().map(ItemProblem::field).collect();
        assert_eq!(
            fields,
            vec!["name", "promised_limit", "service_objects", "version"]
        );
    }

    #[test]
    fn promised_longer_than_statutory_is_rejected_in_both_languages() {
        let mut spec = valid_spec();
        spec.statutory_limit = TimeLimit::days(20);
        spec.promised_limit = TimeLimit::working_days(15);
        let problems = spec.validate();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "promised limit 15 WD is longer than statutory limit 20 d"
        );
        assert_eq!(
            problems[0].reason_zh(),
            "承诺办结时限15个工作日超过法定办结时限20日"
        );
    }

    #[test]
    fn implementation_code_must_embed_the_basic_code() {
        let mut spec = valid_spec();
        spec.basic_code = BasicCode::parse("000000000001").unwrap();
        let problems = spec.validate();
        assert!(matches!(
            problems.as_slice(),
            [ItemProblem::ImplementationCodeMismatch { .. }]
        ));
    }

    #[test]
    fn licensing_item_needs_type_01_and_a_legal_basis() {
        let mut spec = valid_spec();
        spec.item_type = ItemType::PublicService;
        spec.legal_basis.clear();
        let fields: Vec<_> = spec.validate().iter().map(ItemProblem::field).collect();
        assert_eq!(fields, vec!["item_type", "legal_basis"]);
    }

    #[test]
    fn related_item_may_not_list_related_items_or_itself() {
        let mut spec = valid_spec();
        spec.category = ItemCategory::Related;
        spec.related_items = vec![spec.basic_code.clone()];
        let problems = spec.validate();
        assert!(problems.contains(&ItemProblem::RelatedItemListsRelatedItems));
        assert!(problems.contains(&ItemProblem::RelatedToItself));
    }

    #[test]
    fn nested_text_problems_name_entry_and_part() {
        let mut spec = valid_spec();
        spec.fees.push(super::super::item::Fee {
            name: "工本费".to_owned(),
            standard: "每证10元".to_owned(),
            basis: String::new(),
        });
        let problems = spec.validate();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].to_string(), "fees #1 basis is empty");
        assert_eq!(problems[0].reason_zh(), "收费项目第1项收费依据不能为空");
    }

    #[test]
    fn control_characters_are_refused_but_newlines_allowed_in_notes() {
        let mut spec = valid_spec();
        spec.limit_note = Some("第一行\n第二行".to_owned());
        assert!(spec.validate().is_empty());
        spec.name = "食品\u{7}经营许可".to_owned();
        assert!(matches!(
            spec.validate().as_slice(),
            [ItemProblem::Text {
                fault: TextFault::ControlCharacter,
                ..
            }]
        ));
    }

    #[test]
    fn immediate_case_must_promise_on_the_spot() {
        let mut spec = valid_spec();
        spec.case_kind = CaseKind::Immediate;
        assert!(matches!(
            spec.validate().as_slice(),
            [ItemProblem::ImmediateWithDelay(_)]
        ));
        spec.promised_limit = TimeLimit::working_days(0);
        assert!(spec.validate().is_empty());
    }

    #[test]
    fn cancel_date_must_follow_effective_date() {
        let mut spec = valid_spec();
        spec.cancel_date = Some(spec.effective_date);
        assert_eq!(spec.validate().len(), 1);
        spec.cancel_date = spec.effective_date.next_day();
        assert!(spec.validate().is_empty());
    }

    #[test]
    fn every_column_has_a_chinese_label() {
        let names: HashSet<_> = ITEM_FIELDS.iter().map(|(f, _)| *f).collect();
        assert_eq!(names.len(), ITEM_FIELDS.len());
        assert_eq!(field_zh("promised_limit"), "承诺办结时限");
    }
}
