//! The home page's figures: the jurisdiction at a glance and what waits for the signed-in
//! person's roles, counted as the queues count it.

use oneseal_domain::access::Principal;
use oneseal_domain::org::Role;
use oneseal_store::log::read_head;
use oneseal_store::{Conn, StoreError, home};

/// One line of the home page's "my work" card.
pub struct WorkItem {
    pub what: &'static str,
    pub count: i64,
    pub late: i64,
    pub link: &'static str,
}

/// What waits for this person's roles; `today` is the legal date (`YYYY-MM-DD`).
pub fn my_work(c: &mut dyn Conn, p: &Principal, today: &str) -> Result<Vec<WorkItem>, StoreError> {
    let j = p.jurisdiction.as_str();
    let mut work = Vec::new();
    let has = |r: Role| p.roles.contains(&r);
    if has(Role::Clerk) || has(Role::Reviewer) || has(Role::Approver) || has(Role::BureauHead) {
        work.push(WorkItem {
            what: "在办件（按收件先后排序）",
            count: home::open_cases(c, j)?,
            late: home::open_red_cards(c, j)?,
            link: "/cases",
        });
    }
    if has(Role::DepartmentSupervisor) {
        let d = p.department.as_str();
        work.push(WorkItem {
            what: "待认领推送",
            count: home::pushes_awaiting_claim(c, j, d)?,
            late: home::pushes_late_for_claim(c, j, d, today)?,
            link: "/dept",
        });
    }
    if has(Role::Inspector) || has(Role::BureauHead) {
        work.push(WorkItem {
            what: "待处理预警",
            count: home::open_alerts(c, j)?,
            late: 0,
            link: "/alerts",
        });
    }
    if has(Role::BureauHead) {
        work.push(WorkItem {
            what: "差评待整改",
            count: home::open_rectifications(c, j)?,
            late: home::late_rectifications(c, j, today)?,
            link: "/ratings",
        });
    }
    if has(Role::Administrator) {
        work.push(WorkItem {
            what: "未配置监管部门的推送",
            count: home::unmapped_pushes(c, j)?,
            late: 0,
            link: "/linkage",
        });
    }
    Ok(work)
}

/// The home page's figures for a signed-in person.
pub struct Home {
    pub jurisdiction_name: String,
    pub licensing: i64,
    pub related: i64,
    pub ledger_size: u64,
    pub work: Vec<WorkItem>,
}

pub fn figures(c: &mut dyn Conn, p: &Principal, today: &str) -> Result<Home, StoreError> {
    let j = &p.jurisdiction;
    let jurisdiction_name = crate::services::org::jurisdiction_name(c, j)?;
    let licensing = crate::services::catalog::count_items(c, j, "licensing")?;
    let related = crate::services::catalog::count_items(c, j, "related")?;
    let (ledger_size, _) = read_head(c, j.as_str())?;
    let work = my_work(c, p, today)?;
    Ok(Home {
        jurisdiction_name,
        licensing,
        related,
        ledger_size,
        work,
    })
}
