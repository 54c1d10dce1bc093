//! The public statistics as they were computed before issue #17 item 2: a fold of every case
//! history of the jurisdiction. Kept only as the reference the aggregate-based figures are
//! tested against on a generated history (`tests/api/aggregates.rs`); nothing serves it.

use std::collections::BTreeMap;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent};
use oneseal_store::Conn;
use oneseal_store::StoreError;
use oneseal_store::statistics::{case_histories, item_departments};
use time::Date;

use super::{Figures, ItemRow, Tally, group};

/// The former fold: the figures of jurisdiction `j` from every case history.
pub fn figures_folded(
    c: &mut dyn Conn,
    j: &str,
    calendar: &Calendar,
    today: Date,
) -> Result<Figures, StoreError> {
    let histories = case_histories(c, j)?;
    let depts: BTreeMap<String, String> = item_departments(c, j)?
        .into_iter()
        .map(|d| (d.item_code, d.department_name))
        .collect();
    Ok(aggregate(&histories, &depts, calendar, today))
}

/// One case's contribution: its item and what it adds to the tally.
fn tally_case(events: &[CaseEvent], calendar: &Calendar, today: Date) -> Option<(Case, Tally)> {
    let case = Case::apply(events).ok()?;
    let mut t = Tally {
        received: 1,
        decided: u64::from(case.decision().is_some()),
        ..Tally::default()
    };
    if case.decision().is_some()
        && let Some(d) = case.clock(calendar, today).ok().and_then(|c| c.decision)
    {
        t.timed = 1;
        t.working_days = u64::from(d.elapsed);
        t.on_time = u64::from(!d.overdue_statutory);
    }
    Some((case, t))
}

/// Per-item rows and per-department rows from the case histories; `depts` maps an item code to
/// the name of its original department.
fn aggregate(
    histories: &[Vec<CaseEvent>],
    depts: &BTreeMap<String, String>,
    calendar: &Calendar,
    today: Date,
) -> Figures {
    let mut items: BTreeMap<String, ItemRow> = BTreeMap::new();
    for events in histories {
        let Some((case, t)) = tally_case(events, calendar, today) else {
            continue;
        };
        let item = &case.received().item;
        let code = item.basic_code.as_str().to_owned();
        let row = items.entry(code.clone()).or_insert_with(|| ItemRow {
            department: depts.get(&code).cloned().unwrap_or_else(|| "—".into()),
            code,
            name: item.name.clone(),
            limit: item.statutory_limit.to_zh(),
            tally: Tally::default(),
        });
        row.tally.add(&t);
    }
    group(items.into_values().collect())
}
