use std::collections::HashSet;

use super::super::interchange::{export_csv, export_xlsx, import_csv, import_xlsx};
use super::super::limit::{LimitUnit, pair_zh};
use super::*;

/// The department codes of the lead's organisation model.
const KNOWN_DEPARTMENTS: [&str; 24] = [
    "SPJ", "SCJG", "RS", "WL", "WJ", "FG", "ZJ", "ZRZY", "SW", "CG", "YL", "STHJ", "JT", "MZ",
    "JY", "GA", "SWJ", "GD", "GS", "RQ", "GR", "ZJJG", "SJ", "JW",
];

fn bureau() -> UnifiedSocialCreditCode {
    UnifiedSocialCreditCode::parse("11450721MB15580811").unwrap()
}

#[test]
fn demo_catalog_reaches_the_reform_totals() {
    let items = demo_catalog(&bureau());
    let totals = demo_totals(&items);
    assert_eq!(totals.licensing_transferred, 190);
    assert_eq!(totals.related_transferred, 81);
    assert_eq!(totals.hall_window, 90);
    assert_eq!(totals.department, 10);
    assert_eq!(items.len(), 190 + 81 + 90 + 10);
}

#[test]
fn every_demo_item_validates() {
    for item in demo_catalog(&bureau()) {
        assert_eq!(item.validate(), vec![], "{}", item.name);
    }
}

#[test]
fn basic_codes_are_unique_and_implementation_codes_name_the_bureau_at_city_level() {
    let items = demo_catalog(&bureau());
    let codes: HashSet<_> = items.iter().map(|i| i.basic_code.clone()).collect();
    assert_eq!(codes.len(), items.len());
    for item in &items {
        let expected = format!("11450721MB155808113{}", item.basic_code);
        assert_eq!(item.implementation_code.as_str(), expected);
    }
}

#[test]
fn another_bureau_gets_its_own_implementation_codes() {
    let other = UnifiedSocialCreditCode::parse("914403001922038216").unwrap();
    let items = demo_catalog(&other);
    assert!(
        items
            .iter()
            .all(|i| i.implementation_code.implementer() == other)
    );
}

#[test]
fn demo_catalog_is_deterministic() {
    assert_eq!(demo_catalog(&bureau()), demo_catalog(&bureau()));
}

#[test]
fn generated_items_are_marked_and_real_ones_are_not() {
    let items = demo_catalog(&bureau());
    for item in &items {
        assert_eq!(
            item.generated,
            item.name.starts_with("（演示生成）"),
            "{}",
            item.name
        );
        assert_eq!(
            item.generated,
            item.basic_code.as_str().starts_with("9902"),
            "{}",
            item.name
        );
    }
    assert_eq!(items.iter().filter(|i| !i.generated).count(), 50);
}

#[test]
fn real_items_are_the_33_seed_rows_in_order() {
    let expected = [
        "食品经营许可",
        "药品零售企业许可",
        "人力资源服务许可",
        "劳务派遣经营许可",
        "娱乐场所经营许可",
        "营业性演出审批",
        "公共场所卫生许可",
        "市场主体登记",
        "企业投资项目核准",
        "固定资产投资项目节能审查",
        "建筑工程施工许可",
        "特殊建设工程消防设计审查",
        "商品房预售许可",
        "建设用地规划许可、建设工程规划许可",
        "取水许可",
        "污水排入排水管网许可",
        "燃气经营许可",
        "城市道路占用、挖掘审批",
        "砍伐城市树木审批",
        "建筑垃圾处置核准",
        "户外广告设置",
        "环评报告书审批",
        "环评报告表审批",
        "排污许可",
        "危险废物经营许可",
        "道路旅客运输经营许可",
        "道路货物运输经营许可",
        "涉路施工许可",
        "超限运输许可",
        "社会团体成立登记",
        "民办非企业单位登记",
        "医疗机构设置审批、执业登记",
        "民办学校筹设、正式设立审批",
    ];
    let real = real_items().unwrap();
    let licensing: Vec<_> = real
        .iter()
        .filter(|i| i.category == ItemCategory::Licensing)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(licensing, expected);
}

#[test]
fn real_items_keep_the_statutory_limits_of_domain_md() {
    let real = real_items().unwrap();
    let limit = |name: &str| {
        real.iter()
            .find(|i| i.name == name)
            .map(|i| i.statutory_limit.to_string())
            .unwrap()
    };
    assert_eq!(limit("药品零售企业许可"), "30 WD");
    assert_eq!(limit("人力资源服务许可"), "20 d");
    assert_eq!(limit("营业性演出审批"), "3 d");
    assert_eq!(limit("建筑工程施工许可"), "7 d");
    assert_eq!(limit("特殊建设工程消防设计审查"), "15 WD");
    assert_eq!(limit("商品房预售许可"), "10 d");
    assert_eq!(limit("取水许可"), "45 WD");
    assert_eq!(limit("环评报告书审批"), "60 d");
    assert_eq!(limit("危险废物经营许可"), "20 WD");
    assert_eq!(limit("社会团体成立登记"), "60 d");
    // "default" items fall back to Licensing Law Art 42 and say so.
    let default = real.iter().find(|i| i.name == "娱乐场所经营许可").unwrap();
    assert_eq!(default.statutory_limit, TimeLimit::working_days(20));
    assert!(
        default
            .limit_note
            .as_deref()
            .unwrap()
            .contains("第四十二条")
    );
}

#[test]
fn real_promises_are_strictly_shorter_than_the_law() {
    for item in real_items().unwrap() {
        assert!(
            item.promised_limit.fits_within(item.statutory_limit),
            "{}",
            item.name
        );
        assert_ne!(item.promised_limit, item.statutory_limit, "{}", item.name);
    }
}

#[test]
fn a_few_real_items_stay_at_hall_windows() {
    let real = real_items().unwrap();
    let hall: Vec<_> = real
        .iter()
        .filter(|i| i.handling_place == HandlingPlace::HallWindow)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(hall, ["取水许可", "涉路施工许可", "超限运输许可"]);
}

#[test]
fn food_business_licence_lists_its_change_renewal_and_cancellation() {
    let real = real_items().unwrap();
    let food = real.iter().find(|i| i.name == "食品经营许可").unwrap();
    let names: Vec<_> = food
        .related_items
        .iter()
        .map(|code| {
            real.iter()
                .find(|i| &i.basic_code == code)
                .unwrap()
                .name
                .as_str()
        })
        .collect();
    assert_eq!(
        names,
        ["食品经营许可变更", "食品经营许可延续", "食品经营许可注销"]
    );
}

#[test]
fn every_department_code_is_one_of_the_organisation_model() {
    for item in demo_catalog(&bureau()) {
        for code in [&item.original_department, &item.supervising_department] {
            assert!(KNOWN_DEPARTMENTS.contains(&code.as_str()), "{code}");
        }
    }
}

#[test]
fn demo_catalog_round_trips_through_csv_and_xlsx() {
    let items = demo_catalog(&bureau());
    assert_eq!(import_csv(&export_csv(&items).unwrap()).unwrap(), items);
    assert_eq!(
        import_xlsx(&export_xlsx(&items, time::macros::datetime!(2026-11-27 08:00 UTC)).unwrap())
            .unwrap(),
        items
    );
}

#[test]
fn shipped_csv_is_exactly_what_export_writes() {
    // Keeps the data file canonical, so hand edits that change its form are noticed.
    let real = real_items().unwrap();
    let exported = export_csv(&real).unwrap();
    let exported = String::from_utf8(exported).unwrap();
    let exported = exported
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n");
    assert_eq!(exported, REAL_ITEMS_CSV);
}

/// Licensing Law Art. 82: limits count in working days. Generated items have no statute of
/// their own, so their limits are written the one way (法定/承诺 N个工作日); only real items
/// whose statute counts calendar days (domain.md §8) keep the statute's unit.
#[test]
fn art_82_generated_items_write_every_limit_in_working_days() {
    for item in demo_catalog(&bureau()).iter().filter(|i| i.generated) {
        for limit in [item.statutory_limit, item.promised_limit] {
            assert_eq!(limit.unit, LimitUnit::WorkingDays, "{}", item.name);
        }
        let written = pair_zh(item.statutory_limit, item.promised_limit);
        assert!(written.starts_with("法定 "), "{written}");
        assert!(!written.replace("个工作日", "").contains('日'), "{written}");
    }
}
