use super::*;
use crate::catalog::{UnifiedSocialCreditCode, demo_catalog};

fn catalog() -> Vec<Item> {
    let uscc = UnifiedSocialCreditCode::parse("11370100MB00000007").unwrap_or_else(|_| {
        panic!("demo USCC");
    });
    demo_catalog(&uscc)
}

fn code(s: &str) -> BasicCode {
    BasicCode::parse(s).unwrap()
}

fn restaurant() -> Bundle {
    demo_bundles()
        .unwrap()
        .into_iter()
        .find(|b| b.code.as_str() == "open-restaurant")
        .unwrap()
}

fn link(blocks: bool) -> BundleLink {
    BundleLink {
        code: BundleCode::parse("open-private-school").unwrap(),
        application: "37010020261201000001".into(),
        position: 2,
        of: 2,
        blocks,
    }
}

#[test]
fn the_demo_ships_at_least_three_bundles_valid_against_its_catalog() {
    let bundles = demo_bundles().unwrap();
    assert!(bundles.len() >= 3);
    assert_eq!(check_all(&bundles, &catalog()), vec![]);
    assert!(
        bundles
            .iter()
            .any(|b| b.refusal == RefusalPolicy::BlocksOthers)
    );
}

#[test]
fn a_bundle_naming_an_item_outside_the_catalog_or_one_item_is_rejected() {
    let mut b = restaurant();
    b.items = vec![code("990100001000"), code("990199999000")];
    assert_eq!(
        b.check(&catalog()),
        vec![BundleProblem::UnknownItem(
            b.code.clone(),
            code("990199999000")
        )]
    );
    b.items = vec![code("990100001000")];
    assert_eq!(
        b.check(&catalog()),
        vec![BundleProblem::TooFewItems(b.code.clone())]
    );
    b.items = vec![code("990100001000"), code("990100001000")];
    assert!(b.check(&catalog()).contains(&BundleProblem::DuplicateItem(
        b.code.clone(),
        code("990100001000")
    )));
    let twice = vec![restaurant(), restaurant()];
    assert!(
        check_all(&twice, &catalog()).contains(&BundleProblem::DuplicateCode(restaurant().code))
    );
}

#[test]
fn a_promise_longer_than_every_items_statutory_limit_or_zero_is_rejected() {
    let mut b = restaurant();
    b.promised_working_days = 21;
    assert_eq!(
        b.check(&catalog()),
        vec![BundleProblem::PromisedLimit(b.code.clone())]
    );
    b.promised_working_days = 0;
    assert_eq!(
        b.check(&catalog()),
        vec![BundleProblem::PromisedLimit(b.code.clone())]
    );
    b.promised_working_days = 20;
    assert_eq!(b.check(&catalog()), vec![]);
}

#[test]
fn a_material_two_items_ask_for_is_listed_once_on_the_combined_form() {
    let cat = catalog();
    let b = restaurant();
    let items = b.resolve(&cat).unwrap();
    let combined = combined_materials(&items);
    let licence: Vec<_> = combined.iter().filter(|m| m.name == "营业执照").collect();
    assert_eq!(licence.len(), 1);
    assert!(licence[0].shared());
    assert!(licence[0].from_department);
    assert_eq!(
        licence[0].items,
        vec![code("990100001000"), code("990100016000")]
    );
    let all: usize = items.iter().map(|i| i.materials.len()).sum();
    assert_eq!(
        combined.len(),
        all - 1,
        "only the business licence is shared"
    );
}

#[test]
fn materials_given_once_go_to_every_item_that_lists_them() {
    let cat = catalog();
    let b = restaurant();
    let items = b.resolve(&cat).unwrap();
    let given = ["营业执照", "户外广告设置申请书", "食品经营许可申请书"];
    let split = distribute(&items, &given).unwrap();
    assert_eq!(split, vec![vec![0, 2], vec![0], vec![1]]);
    assert_eq!(
        distribute(&items, &["营业执照", "不相干的材料"]),
        Err(vec![1])
    );
}

#[test]
fn one_refused_item_does_not_block_the_others_unless_the_bundle_says_so() {
    use CaseStatus::*;
    let independent = RefusalPolicy::Independent;
    assert_eq!(
        overall(independent, &[Refused, Accepted]),
        BundleStatus::InProgress
    );
    assert_eq!(
        overall(independent, &[Refused, Approved]),
        BundleStatus::PartlyGranted
    );
    assert_eq!(
        overall(independent, &[Approved, ApprovedWithDeferredMaterials]),
        BundleStatus::Completed
    );
    assert_eq!(
        overall(independent, &[Refused, Withdrawn]),
        BundleStatus::NotGranted
    );
    assert_eq!(
        overall(RefusalPolicy::BlocksOthers, &[AcceptanceRefused, Accepted]),
        BundleStatus::Blocked
    );
    assert_eq!(
        overall(RefusalPolicy::BlocksOthers, &[Approved, Accepted]),
        BundleStatus::InProgress
    );
}

#[test]
fn a_grant_after_a_siblings_refusal_is_refused_only_in_a_blocking_bundle() {
    let refused = [("37010020261201000001".to_owned(), CaseStatus::Refused)];
    let pending = [("37010020261201000001".to_owned(), CaseStatus::Accepted)];
    // Violating: the bundle blocks and a sibling was refused.
    let err = check_grant(&link(true), &refused).unwrap_err();
    assert_eq!(err.refused, vec!["37010020261201000001".to_owned()]);
    assert!(err.message_zh().contains("不得准予"));
    // Compliant: no refusal yet, or a bundle whose items are independent.
    assert_eq!(check_grant(&link(true), &pending), Ok(()));
    assert_eq!(check_grant(&link(false), &refused), Ok(()));
}

#[test]
fn bundle_codes_are_checked_at_the_boundary() {
    assert!(BundleCode::parse("open-restaurant").is_ok());
    for bad in [
        "",
        "ab",
        "Open",
        "1abc",
        "open_x",
        "开餐馆",
        &"a".repeat(41),
    ] {
        assert!(BundleCode::parse(bad).is_err(), "{bad}");
    }
    let json = serde_json::to_string(&link(true)).unwrap();
    assert!(json.contains("\"code\":\"open-private-school\""));
    assert_eq!(
        serde_json::from_str::<BundleLink>(&json).unwrap(),
        link(true)
    );
}
