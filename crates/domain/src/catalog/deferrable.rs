//! 容缺受理 (issue #19 item 6): which of an item's materials may follow after acceptance.
//!
//! The reform lets a window accept an application whose key materials are complete while some
//! non-key ones (次要材料) are still missing, when the applicant commits in writing to supply them
//! by an agreed date. Only listed items qualify, and only for listed materials: the list is the
//! bureau's (it is policy, not law), kept here beside the guide's flag (`guide::GuideFacts::
//! tolerates_missing`) and pinned into each case at receipt (`ItemSnapshot::deferrable`), so a
//! later change of the list never changes what a case was accepted under.

use super::Item;

/// (basic code, the materials that may follow) of the demo's items that allow 容缺受理. Every
/// name is one of the item's own materials; the application form and the proofs of the
/// statutory conditions are key and never listed.
const DEFERRABLE: &[(&str, &[&str])] = &[
    // 食品经营许可: the management rules follow; the premises and equipment are examined.
    (
        "990100001000",
        &["食品安全自查、从业人员健康管理等食品安全管理制度"],
    ),
    // 建筑工程施工许可: the signed contract may follow the planning permit and the drawings.
    ("990100011000", &["施工合同"]),
    // 城市道路占用、挖掘审批: the plan of works may follow the application.
    ("990100018000", &["施工方案及平面图"]),
    // 户外广告设置: the proof of the right to use the site may follow.
    ("990100021000", &["场地使用权证明"]),
];

/// The materials of `item` that may follow after acceptance: listed for its code and still
/// among its materials. Empty when the item does not allow 容缺受理.
#[must_use]
pub fn may_follow(item: &Item) -> Vec<String> {
    DEFERRABLE
        .iter()
        .find(|(code, _)| *code == item.basic_code.as_str())
        .map(|(_, names)| {
            names
                .iter()
                .filter(|n| item.materials.iter().any(|m| m.name == **n))
                .map(|n| (*n).to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::guide::guide_facts;
    use crate::catalog::real_items;

    #[test]
    fn every_listed_name_is_one_of_the_items_materials() {
        let items = real_items().expect("demo items");
        for (code, names) in DEFERRABLE {
            let item = items
                .iter()
                .find(|i| i.basic_code.as_str() == *code)
                .expect("a listed item is in the catalog");
            assert_eq!(may_follow(item).len(), names.len(), "{code}");
        }
    }

    #[test]
    fn the_guide_flag_and_the_list_agree() {
        for item in real_items().expect("demo items") {
            assert_eq!(
                guide_facts(&item).tolerates_missing,
                !may_follow(&item).is_empty(),
                "{}",
                item.basic_code.as_str()
            );
        }
    }

    #[test]
    fn an_item_without_rongque_lets_nothing_follow() {
        let items = real_items().expect("demo items");
        let licence = items
            .iter()
            .find(|i| i.basic_code.as_str() == "990100024000")
            .expect("item");
        assert!(may_follow(licence).is_empty());
    }
}
