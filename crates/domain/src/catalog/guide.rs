//! The service guide (办事指南) of an item: what Licensing Law Art. 30 requires the bureau to
//! publish beside the catalog's own fields — the conditions, the procedure, and whether the
//! item is handled under 告知承诺制 (notification and commitment) or 容缺受理 (acceptance with
//! non-key materials to follow) — and where the public applies (the bureau's hall).
//!
//! The catalog's interchange columns do not carry these yet, so they live here as data keyed by
//! basic code, beside the demo catalog they describe; an item without an entry gets the
//! general procedure of the Licensing Law and its conditions read from its legal basis. The two
//! flags tell the public what applies; 告知承诺制's behaviour rests on the item's legal setting
//! `LegalSettings::commitment` (issue #19 item 5, `crate::commitment`).
//!
//! Pure: no I/O, no clock.

use serde::Serialize;

use super::dict::{HandlingPlace, SpecialProcedureKind};
use super::item::Item;

/// The guide's facts that the catalog's columns do not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideFacts {
    /// 申请条件, one per line.
    pub conditions: Vec<String>,
    /// 办理流程, in order.
    pub procedure: Vec<String>,
    /// 告知承诺制 applies (the applicant's written commitment stands in for some proofs).
    pub commitment: bool,
    /// 容缺受理 applies (non-key materials may follow after acceptance).
    pub tolerates_missing: bool,
}

/// (basic code, conditions, 告知承诺, 容缺受理) of the demo's real items that say more than the
/// general rule. Conditions are condensed from the cited provisions.
const KNOWN: &[(&str, &[&str], bool, bool)] = &[
    (
        "990100001000",
        &[
            "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所（《食品安全法》第三十五条、第三十三条）",
            "具有与经营的食品品种、数量相适应的经营设备或者设施",
            "有专职或者兼职的食品安全管理人员和保证食品安全的规章制度",
            "具有合理的设备布局和工艺流程，防止交叉污染",
        ],
        false,
        true,
    ),
    (
        "990100003000",
        &[
            "有与开展业务相适应的固定场所、办公设施（《人力资源市场暂行条例》第十八条）",
            "有明确的章程和管理制度",
            "有开展业务必备的专职工作人员",
        ],
        true,
        false,
    ),
    (
        "990100006000",
        &[
            "有与其业务相适应的专职演出经纪人员（《营业性演出管理条例》第六条）",
            "演出内容不含《营业性演出管理条例》第二十五条禁止的内容",
        ],
        true,
        false,
    ),
    (
        "990100007000",
        &[
            "公共场所的卫生设施、布局和通风、采光、照明符合卫生标准（《公共场所卫生管理条例》）",
            "从业人员取得健康合格证明",
            "有卫生管理制度和卫生管理人员",
        ],
        true,
        false,
    ),
    (
        "990100011000",
        &[
            "已经办理该建筑工程用地批准手续和建设工程规划许可（《建筑法》第八条）",
            "需要拆迁的，其拆迁进度符合施工要求",
            "已经确定建筑施工企业，有保证工程质量和安全的具体措施",
            "建设资金已经落实",
        ],
        false,
        true,
    ),
    ("990100018000", &[], false, true),
    ("990100021000", &[], false, true),
    (
        "990100027000",
        &[
            "有与其经营业务相适应并经检测合格的车辆（《道路运输条例》第二十一条）",
            "有符合规定条件的驾驶人员",
            "有健全的安全生产管理制度",
        ],
        true,
        false,
    ),
];

/// The general procedure of the Licensing Law (Art. 29–44), with the item's own promise.
fn procedure(item: &Item) -> Vec<String> {
    let mut steps = vec![
        "申请：到办理窗口或通过网上渠道提交申请材料（《行政许可法》第二十九条）".to_owned(),
        "受理：材料齐全、符合法定形式的当场受理；需要补正的，当场或者五日内一次告知需要补正的全部内容（第三十二条）".to_owned(),
        "审查：对申请材料进行审查，需要核实的，指派两名以上工作人员核查（第三十四条）".to_owned(),
    ];
    for s in &item.special_procedures {
        let what = match s.kind {
            SpecialProcedureKind::Hearing => "听证",
            _ => s.kind.name_zh(),
        };
        steps.push(format!(
            "{what}：所需时间不计入办理时限，最长{}（第四十五条）",
            s.limit.to_zh()
        ));
    }
    steps.push(format!(
        "决定：法定{}内作出决定，本局承诺{}内办结（第四十二条）",
        item.statutory_limit.to_zh(),
        item.promised_limit.to_zh()
    ));
    steps.push("送达：自作出决定之日起十日内颁发、送达行政许可证件（第四十四条）".to_owned());
    steps
}

/// The guide facts of `item`: its entry in the demo data, or the general rule.
pub fn guide_facts(item: &Item) -> GuideFacts {
    let known = KNOWN
        .iter()
        .find(|(code, ..)| *code == item.basic_code.as_str());
    let mut conditions: Vec<String> = known
        .map(|(_, c, ..)| c.iter().map(|s| (*s).to_owned()).collect())
        .unwrap_or_default();
    if conditions.is_empty() {
        conditions = item
            .legal_basis
            .iter()
            .map(|b| match &b.article {
                Some(a) => format!("符合《{}》{a}规定的条件", b.law),
                None => format!("符合《{}》规定的条件", b.law),
            })
            .collect();
    }
    GuideFacts {
        conditions,
        procedure: procedure(item),
        // The item's legal setting puts it under the regime (issue #19 item 5, `commitment`);
        // the demo data's flag still says so for items whose catalog row has no setting.
        commitment: known.is_some_and(|k| k.2) || item.legal.commitment.is_some(),
        tolerates_missing: known.is_some_and(|k| k.3),
    }
}

/// 统一咨询电话: the 12345 government service hotline answers for every item.
pub const HOTLINE: &str = "12345";

/// Where the public applies in person: the jurisdiction's government service hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServicePoint {
    pub hall: String,
    pub address: String,
    pub hours: String,
    /// 咨询电话.
    pub phone: String,
}

/// (jurisdiction, hall, address) of the demo city and its counties. Opening hours are the
/// province's usual hall hours; the hotline is 12345.
const HALLS: &[(&str, &str, &str)] = &[
    (
        "370100",
        "济南市政务服务中心",
        "济南市历下区龙奥北路1号龙奥大厦",
    ),
    (
        "370114",
        "章丘区政务服务中心",
        "济南市章丘区（演示地址，以区政务服务中心公告为准）",
    ),
    (
        "370124",
        "平阴县政务服务中心",
        "济南市平阴县（演示地址，以县政务服务中心公告为准）",
    ),
    (
        "370126",
        "商河县政务服务中心",
        "济南市商河县（演示地址，以县政务服务中心公告为准）",
    ),
];

/// Hall hours: weekdays, the lunch break kept; statutory holidays closed.
pub const HALL_HOURS: &str = "周一至周五 上午9:00—12:00，下午13:00—17:00（法定节假日除外）";

/// The service hall of `jurisdiction`, when the demo data knows it.
pub fn service_point(jurisdiction: &str) -> Option<ServicePoint> {
    HALLS
        .iter()
        .find(|(j, ..)| *j == jurisdiction)
        .map(|(_, hall, address)| ServicePoint {
            hall: (*hall).to_owned(),
            address: (*address).to_owned(),
            hours: HALL_HOURS.to_owned(),
            phone: HOTLINE.to_owned(),
        })
}

/// Where, in the hall, an item is taken in: the item's own department window for items kept at
/// hall windows, the investment window for investment items, else the general intake windows.
/// `windows` are the jurisdiction's (code, name, department); an empty answer means none fits.
pub fn intake_windows(item: &Item, windows: &[(String, String, String)]) -> Vec<String> {
    let pick = |f: &dyn Fn(&(String, String, String)) -> bool| -> Vec<String> {
        windows
            .iter()
            .filter(|w| f(w))
            .map(|w| w.1.clone())
            .collect()
    };
    match item.handling_place {
        HandlingPlace::HallWindow => pick(&|w| w.2 == item.original_department.as_str()),
        HandlingPlace::Department => Vec::new(),
        HandlingPlace::Transferred => {
            let investment = pick(&|w| w.2 == "SPJ" && w.1.contains("投资建设"));
            if item.area == super::dict::Area::Investment && !investment.is_empty() {
                investment
            } else {
                pick(&|w| w.2 == "SPJ" && w.1.contains("综合受理"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::demo::real_items;
    use super::*;

    fn item(code: &str) -> Item {
        real_items()
            .unwrap()
            .into_iter()
            .find(|i| i.basic_code.as_str() == code)
            .unwrap()
    }

    #[test]
    fn every_known_code_is_a_real_item() {
        let items = real_items().unwrap();
        for (code, ..) in KNOWN {
            assert!(
                items.iter().any(|i| i.basic_code.as_str() == *code),
                "{code}"
            );
        }
    }

    #[test]
    fn art_42_the_procedure_states_both_limits_one_way() {
        let food = item("990100001000");
        let f = guide_facts(&food);
        let decide = f.procedure.iter().find(|s| s.starts_with("决定")).unwrap();
        assert!(decide.contains("法定20个工作日"), "{decide}");
        assert!(decide.contains("承诺10个工作日"), "{decide}");
        assert!(f.procedure.last().unwrap().starts_with("送达"));
    }

    #[test]
    fn an_item_without_an_entry_reads_its_conditions_from_its_legal_basis() {
        let licence = item("990100024000");
        let f = guide_facts(&licence);
        assert!(!f.commitment && !f.tolerates_missing);
        assert_eq!(f.conditions.len(), licence.legal_basis.len());
        assert!(f.conditions[0].starts_with("符合《"), "{:?}", f.conditions);
    }

    #[test]
    fn flags_come_from_the_data() {
        assert!(guide_facts(&item("990100007000")).commitment);
        assert!(guide_facts(&item("990100001000")).tolerates_missing);
    }

    #[test]
    fn windows_follow_the_place_of_handling() {
        let w = |c: &str, n: &str, d: &str| (c.to_owned(), n.to_owned(), d.to_owned());
        let windows = vec![
            w("W01", "综合受理窗口 1", "SPJ"),
            w("W03", "投资建设综合窗口", "SPJ"),
        ];
        assert_eq!(
            intake_windows(&item("990100001000"), &windows),
            vec!["综合受理窗口 1".to_owned()]
        );
        assert_eq!(
            intake_windows(&item("990100011000"), &windows),
            vec!["投资建设综合窗口".to_owned()]
        );
    }

    #[test]
    fn the_demo_city_has_a_hall() {
        let p = service_point("370100").unwrap();
        assert_eq!(p.phone, "12345");
        assert!(service_point("999999").is_none());
    }
}
