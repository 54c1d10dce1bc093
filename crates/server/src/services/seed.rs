//! The demo city: 济南市 (a provincial capital) with three counties, its bureau, departments,
//! hall windows, staff accounts for every role, and the catalog (real items plus clearly
//! marked generated ones to reach the reform's scale). Seeding is ordinary commands recorded
//! on the ledger, so the demo log verifies like any other.

use oneseal_domain::catalog::{ExerciseLevel, UnifiedSocialCreditCode, demo_catalog};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::{
    Department, DepartmentCode, DepartmentKind, DivisionCode, HallWindow, Jurisdiction, Role,
    Staff, StaffId,
};
use oneseal_store::Store;
use time::OffsetDateTime;
use time::macros::date;

use crate::services::commands::{Meta, publish_items};
use crate::services::sessions::hash_password;

/// The password of every demo account (printed at start; demo only).
pub const DEMO_PASSWORD: &str = "oneseal-demo";

/// (code, Chinese name, English name, 17-character body of the bureau's credit code).
const JURISDICTIONS: &[(&str, &str, &str, &str)] = &[
    ("370100", "济南市", "Jinan City", "11370100MB2850431"),
    ("370114", "章丘区", "Zhangqiu District", "11370114MB2851127"),
    ("370124", "平阴县", "Pingyin County", "11370124MB2851802"),
    ("370126", "商河县", "Shanghe County", "11370126MB2852565"),
];

const DEPARTMENTS: &[(&str, &str, &str, DepartmentKind)] = &[
    (
        "SPJ",
        "行政审批服务局",
        "Administrative Approval Service Bureau",
        DepartmentKind::Bureau,
    ),
    (
        "SCJG",
        "市场监督管理局",
        "Market Regulation Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "RS",
        "人力资源和社会保障局",
        "Human Resources and Social Security Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "WL",
        "文化和旅游局",
        "Culture and Tourism Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "WJ",
        "卫生健康委员会",
        "Health Commission",
        DepartmentKind::Licensing,
    ),
    (
        "FG",
        "发展和改革委员会",
        "Development and Reform Commission",
        DepartmentKind::Licensing,
    ),
    (
        "ZJ",
        "住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "ZRZY",
        "自然资源和规划局",
        "Natural Resources and Planning Bureau",
        DepartmentKind::Licensing,
    ),
    ("SW", "水务局", "Water Bureau", DepartmentKind::Licensing),
    (
        "CG",
        "城市管理局",
        "Urban Management Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "YL",
        "园林和林业绿化局",
        "Landscaping and Forestry Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "STHJ",
        "生态环境局",
        "Ecology and Environment Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "JT",
        "交通运输局",
        "Transport Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "MZ",
        "民政局",
        "Civil Affairs Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "JY",
        "教育局",
        "Education Bureau",
        DepartmentKind::Licensing,
    ),
    (
        "GA",
        "公安局",
        "Public Security Bureau",
        DepartmentKind::Vertical,
    ),
    ("SWJ", "税务局", "Taxation Bureau", DepartmentKind::Vertical),
    (
        "GD",
        "国网供电公司",
        "State Grid Power Supply",
        DepartmentKind::Utility,
    ),
    (
        "GS",
        "供水集团",
        "Water Supply Group",
        DepartmentKind::Utility,
    ),
    ("RQ", "燃气集团", "Gas Group", DepartmentKind::Utility),
    ("GR", "热力集团", "Heating Group", DepartmentKind::Utility),
    (
        "ZJJG",
        "工程咨询中介机构",
        "Engineering Consultancy (intermediary)",
        DepartmentKind::Intermediary,
    ),
    ("SJ", "审计局", "Audit Office", DepartmentKind::Oversight),
    (
        "JW",
        "纪委监委",
        "Discipline Inspection and Supervision Commission",
        DepartmentKind::Oversight,
    ),
];

const WINDOWS: &[(&str, &str, &str)] = &[
    ("W01", "综合受理窗口 1", "SPJ"),
    ("W02", "综合受理窗口 2", "SPJ"),
    ("W03", "投资建设综合窗口", "SPJ"),
    ("W10", "公安户政出入境窗口", "GA"),
    ("W11", "税务窗口", "SWJ"),
    ("W12", "供电报装窗口", "GD"),
    ("W13", "供水报装窗口", "GS"),
    ("W14", "燃气报装窗口", "RQ"),
    ("W15", "供热报装窗口", "GR"),
];

/// (id suffix, fictional name, department, roles). Ids get the county prefix outside the city.
const STAFF: &[(&str, &str, &str, &[Role])] = &[
    ("CLERK", "林晓窗", "SPJ", &[Role::Clerk]),
    ("REVIEW", "周审安", "SPJ", &[Role::Reviewer]),
    ("REVIEW2", "吴核明", "SPJ", &[Role::Reviewer]),
    ("APPROVE", "郑批文", "SPJ", &[Role::Approver]),
    ("HEAD", "陈局衡", "SPJ", &[Role::BureauHead]),
    ("ADMIN", "何管理", "SPJ", &[Role::Administrator]),
    ("INSPECT", "冯监察", "JW", &[Role::Inspector]),
    ("SCJG", "赵市监", "SCJG", &[Role::DepartmentSupervisor]),
    ("ZJ", "钱住建", "ZJ", &[Role::DepartmentSupervisor]),
];

/// A demo account to print at start.
#[derive(Clone, Debug)]
pub struct DemoAccount {
    pub staff_id: String,
    pub role: &'static str,
    pub jurisdiction: &'static str,
}

fn prefix(j: &str) -> &'static str {
    match j {
        "370114" => "ZQ-",
        "370124" => "PY-",
        "370126" => "SH-",
        _ => "",
    }
}

/// Why the demo could not be seeded: never the visitor's fault (no request seeds), so it is
/// reported to the operator at start, not mapped to HTTP.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A code in the demo's own data does not parse.
    #[error("demo seed data: {0}")]
    Data(String),
    #[error(transparent)]
    Store(#[from] oneseal_store::StoreError),
    #[error(transparent)]
    Password(#[from] crate::services::sessions::SessionError),
    #[error(transparent)]
    Publish(#[from] crate::services::commands::PublishError),
    #[error(transparent)]
    Rules(#[from] crate::services::rules::RulesError),
}

fn code_err(e: impl std::fmt::Display) -> SeedError {
    SeedError::Data(e.to_string())
}

/// The accounts the demo creates (also when it was seeded earlier).
pub fn demo_accounts() -> Vec<DemoAccount> {
    let mut out = Vec::new();
    for (j, jname, _, _) in JURISDICTIONS {
        let staff = if *j == "370100" { STAFF } else { &STAFF[..6] };
        for (suffix, _, _, roles) in staff {
            out.push(DemoAccount {
                staff_id: format!("{}{}", prefix(j), suffix),
                role: roles.first().map_or("", |r| r.name_zh()),
                jurisdiction: jname,
            });
        }
    }
    out
}

/// Seeds the demo city unless the database already holds an organisation. Returns whether it seeded.
pub async fn seed_demo(store: &Store, now: OffsetDateTime) -> Result<bool, SeedError> {
    let seeded = store
        .read(|c| Ok::<_, SeedError>(oneseal_store::org::has_jurisdictions(c)?))
        .await?;
    if seeded {
        return Ok(false);
    }
    let password = hash_password(DEMO_PASSWORD)?;
    for (j, name_zh, name_en, uscc_body) in JURISDICTIONS {
        let code = DivisionCode::parse(j).map_err(code_err)?;
        let uscc = UnifiedSocialCreditCode::with_check_character(uscc_body).map_err(code_err)?;
        let meta = Meta {
            time: now,
            jurisdiction: code.clone(),
            actor: Actor::System("demo-seed".into()),
        };
        let jurisdiction = Jurisdiction {
            code: code.clone(),
            name_zh: (*name_zh).to_owned(),
            name_en: (*name_en).to_owned(),
            bureau_uscc: uscc.as_str().to_owned(),
        };
        let password = password.clone();
        store
            .write(move |tx| seed_jurisdiction(tx, &meta, jurisdiction, &uscc, &password))
            .await?;
    }
    // The built-in monitoring rules are in force from the start.
    crate::background::rules_runner::run(store, now).await?;
    Ok(true)
}

fn seed_jurisdiction(
    tx: &mut oneseal_store::Tx<'_>,
    meta: &Meta,
    jurisdiction: Jurisdiction,
    uscc: &UnifiedSocialCreditCode,
    password: &str,
) -> Result<(), SeedError> {
    let code = jurisdiction.code.clone();
    let is_city = code.is_city();
    let parent = (!is_city).then(|| code.city());
    meta.record_event(
        tx,
        &Event::JurisdictionRegistered {
            jurisdiction,
            parent,
        },
    )?;
    for (d, zh, en, kind) in DEPARTMENTS {
        let department = Department {
            jurisdiction: code.clone(),
            code: DepartmentCode::parse(d).map_err(code_err)?,
            name_zh: (*zh).to_owned(),
            name_en: (*en).to_owned(),
            kind: *kind,
        };
        meta.record_event(tx, &Event::DepartmentRegistered { department })?;
    }
    for (w, name, d) in WINDOWS {
        let window = HallWindow {
            jurisdiction: code.clone(),
            code: (*w).to_owned(),
            name_zh: (*name).to_owned(),
            department: DepartmentCode::parse(d).map_err(code_err)?,
        };
        meta.record_event(tx, &Event::HallWindowOpened { window })?;
    }
    seed_staff(tx, meta, &code, password)?;
    let level = if is_city {
        ExerciseLevel::City
    } else {
        ExerciseLevel::County
    };
    let items = demo_catalog(uscc)
        .into_iter()
        .filter(|i| is_city || !i.generated)
        .map(|i| i.with_implementer(uscc, level))
        .collect();
    publish_items(tx, meta, items)?;
    Ok(())
}

fn seed_staff(
    tx: &mut oneseal_store::Tx<'_>,
    meta: &Meta,
    code: &DivisionCode,
    password: &str,
) -> Result<(), SeedError> {
    let staff = if code.is_city() { STAFF } else { &STAFF[..6] };
    for (suffix, name, d, roles) in staff {
        let id =
            StaffId::parse(&format!("{}{}", prefix(code.as_str()), suffix)).map_err(code_err)?;
        let bureau = *d == "SPJ";
        // Bureau reviewers came over from the departments when the bureau was formed (2018).
        let came_from = (bureau && suffix.starts_with("REVIEW")).then_some("SCJG");
        let s = Staff {
            id: id.clone(),
            jurisdiction: code.clone(),
            department: DepartmentCode::parse(came_from.unwrap_or(d)).map_err(code_err)?,
            name: (*name).to_owned(),
            roles: roles.to_vec(),
        };
        meta.record_event(
            tx,
            &Event::StaffRegistered {
                staff: s,
                since: date!(2015 - 03 - 01),
            },
        )?;
        if came_from.is_some() {
            let to = DepartmentCode::parse(d).map_err(code_err)?;
            meta.record_event(
                tx,
                &Event::StaffTransferred {
                    staff: id.clone(),
                    to,
                    on: date!(2018 - 12 - 20),
                },
            )?;
        }
        oneseal_store::sessions::insert_credentials(tx.conn(), id.as_str(), password)?;
    }
    Ok(())
}
