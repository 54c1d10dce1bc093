//! The pushes' tables read and written outside the projection: the lists and counts the bureau
//! and the departments see, the numbering of new pushes, the runner's open pushes and digest
//! counts, each department's feed (with its webhook queue) and the claim's idempotency keys.

use oneseal_domain::linkage::PushKind;
use oneseal_domain::org::{DepartmentCode, DivisionCode};

use crate::sql::Conn;
use crate::{StoreError, params};

/// One push as the lists show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PushRow {
    pub push_id: String,
    pub jurisdiction: String,
    pub kind: String,
    pub case_number: String,
    pub licence_id: Option<String>,
    pub item_code: String,
    pub item_name: String,
    pub department: Option<String>,
    pub responsible: Option<String>,
    pub status: String,
    pub overdue: bool,
    pub pushed_on: String,
    pub claim_due: Option<String>,
    pub escalate_on: Option<String>,
    pub reminded_on: Option<String>,
    pub escalated_on: Option<String>,
    pub claimed_on: Option<String>,
    pub claimed_by: Option<String>,
    /// The department's Chinese name.
    pub department_name: Option<String>,
    /// Who holds the licence (or applied): an organisation's name, a person's name (staff and
    /// the supervising department only: every list of pushes is one of theirs).
    pub licensee: Option<String>,
    /// The licence's status code and last valid day, when the push is about a licence.
    pub licence_status: Option<String>,
    pub valid_until: Option<String>,
}

impl PushRow {
    /// `today`: the legal date, against which an unclaimed push is overdue.
    fn from_row(r: &crate::Row, today: &str) -> Result<Self, StoreError> {
        let claim_due = r.opt_text(11)?;
        let status = r.text(9)?;
        Ok(PushRow {
            overdue: status == "awaiting_claim" && claim_due.as_deref().is_some_and(|d| d < today),
            push_id: r.text(0)?,
            jurisdiction: r.text(1)?,
            kind: r.text(2)?,
            case_number: r.text(3)?,
            licence_id: r.opt_text(4)?,
            item_code: r.text(5)?,
            item_name: r.text(6)?,
            department: r.opt_text(7)?,
            responsible: r.opt_text(8)?,
            status,
            pushed_on: r.text(10)?,
            claim_due,
            escalate_on: r.opt_text(12)?,
            reminded_on: r.opt_text(13)?,
            escalated_on: r.opt_text(14)?,
            claimed_on: r.opt_text(15)?,
            claimed_by: r.opt_text(16)?,
            department_name: r.opt_text(17)?,
            licensee: r.opt_text(18)?,
            licence_status: r.opt_text(19)?,
            valid_until: r.opt_text(20)?,
        })
    }

    /// The status in Chinese, for pages.
    pub fn status_zh(&self) -> &'static str {
        match self.status.as_str() {
            "unmapped" => "未配置监管部门",
            "awaiting_claim" if self.overdue => "逾期未认领",
            "awaiting_claim" => "待认领",
            "claimed" => "已认领",
            _ => "逾期认领",
        }
    }

    pub fn kind_zh(&self) -> &'static str {
        serde_json::from_value::<PushKind>(serde_json::Value::String(self.kind.clone()))
            .map_or("", |k| k.name_zh())
    }

    pub fn opt(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("—")
    }
}

const PUSH_COLUMNS: &str = "p.push_id, p.jurisdiction, p.kind, p.case_number, p.licence_id, p.item_code, p.item_name, p.department, p.responsible, \
     p.status, p.pushed_on, p.claim_due, p.escalate_on, p.reminded_on, p.escalated_on, p.claimed_on, p.claimed_by, \
     d.name_zh, COALESCE(c.applicant_name, c.applicant_label), l.status, l.valid_until";

/// The push with its department's name, its case's applicant and its licence: each a primary
/// key lookup, so a page stays one index seek plus a row read per push.
const PUSH_FROM: &str = "pushes p \
     LEFT JOIN departments d ON d.jurisdiction = p.jurisdiction AND d.code = p.department \
     LEFT JOIN cases c ON c.case_number = p.case_number \
     LEFT JOIN licences l ON l.licence_id = p.licence_id";

/// A page of pushes and whether rows lie beyond each end.
#[derive(Debug, Clone, Default)]
pub struct PushPage {
    pub rows: Vec<PushRow>,
    pub more_before: bool,
    pub more_after: bool,
}

/// Which pushes a page shows: one jurisdiction's, optionally of one department and status,
/// newest first, after (or before) the push `key`.
#[derive(Debug, Clone, Default)]
pub struct PushQuery<'a> {
    pub department: Option<&'a str>,
    pub status: Option<&'a str>,
    /// `(true, id)`: the page after push `id`; `(false, id)`: the page before it.
    pub key: Option<(bool, &'a str)>,
    pub limit: u32,
}

/// One page of a jurisdiction's pushes, newest first, by keyset on the push id (ids grow with
/// time within a jurisdiction).
pub fn page(
    c: &mut dyn Conn,
    j: &DivisionCode,
    q: &PushQuery<'_>,
    today: &str,
) -> Result<PushPage, StoreError> {
    let mut sql = format!("SELECT {PUSH_COLUMNS} FROM {PUSH_FROM} WHERE p.jurisdiction = ?");
    let mut args: Vec<crate::Value> = params![j.as_str()].to_vec();
    if let Some(d) = q.department {
        sql.push_str(" AND p.department = ?");
        args.push(d.into());
    }
    if let Some(s) = q.status {
        sql.push_str(" AND p.status = ?");
        args.push(s.into());
    }
    let backwards = q.key.is_some_and(|(after, _)| !after);
    if let Some((after, id)) = q.key {
        sql.push_str(if after {
            " AND p.push_id < ?"
        } else {
            " AND p.push_id > ?"
        });
        args.push(id.into());
    }
    sql.push_str(if backwards {
        " ORDER BY p.push_id ASC LIMIT ?"
    } else {
        " ORDER BY p.push_id DESC LIMIT ?"
    });
    args.push(i64::from(q.limit).saturating_add(1).into());
    let mut rows = c
        .query(&sql, &args)?
        .iter()
        .map(|r| PushRow::from_row(r, today))
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() > q.limit as usize;
    rows.truncate(q.limit as usize);
    if backwards {
        rows.reverse();
    }
    Ok(PushPage {
        rows,
        more_before: if backwards { more } else { q.key.is_some() },
        more_after: if backwards { true } else { more },
    })
}

/// One push as the lists show it (`None` when there is no such push).
pub fn row(c: &mut dyn Conn, push_id: &str, today: &str) -> Result<Option<PushRow>, StoreError> {
    c.query_one(
        &format!("SELECT {PUSH_COLUMNS} FROM {PUSH_FROM} WHERE p.push_id = ?"),
        params![push_id],
    )?
    .map(|r| PushRow::from_row(&r, today))
    .transpose()
}

/// The greatest push number between `first` and `last` (both inclusive), read on the primary key.
pub fn latest_id(c: &mut dyn Conn, first: &str, last: &str) -> Result<Option<String>, StoreError> {
    Ok(c.query_one(
        "SELECT MAX(push_id) FROM pushes WHERE push_id >= ? AND push_id <= ?",
        params![first, last],
    )?
    .map(|r| r.opt_text(0))
    .transpose()?
    .flatten())
}

/// A push still awaiting its claim.
#[derive(Debug, Clone)]
pub struct OpenPush {
    pub push_id: String,
    pub jurisdiction: String,
}

/// Every push awaiting its claim whose reminder or escalation is due on `today`
/// (`YYYY-MM-DD`) and not yet recorded, in every jurisdiction, by number. Reads only the
/// pushes with an action still to come (the partial index of migration 40), not every
/// unclaimed push of the history. Sorted here: an `ORDER BY` would make SQLite walk the
/// primary key (every push) instead.
pub fn awaiting_action(c: &mut dyn Conn, today: &str) -> Result<Vec<OpenPush>, StoreError> {
    c.query(
        "SELECT push_id, jurisdiction FROM pushes \
         WHERE status = 'awaiting_claim' AND (reminded_on IS NULL OR escalated_on IS NULL) \
           AND ((reminded_on IS NULL AND claim_due <= ?) OR (escalated_on IS NULL AND escalate_on <= ?))",
        params![today, today],
    )?
    .into_iter()
    .map(|r| {
        Ok(OpenPush {
            push_id: r.text(0)?,
            jurisdiction: r.text(1)?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()
    .map(|mut v| {
        v.sort_by(|a: &OpenPush, b| a.push_id.cmp(&b.push_id));
        v
    })
}

/// One department's figures for its digest of a day.
#[derive(Debug, Clone)]
pub struct DigestCounts {
    pub jurisdiction: String,
    pub department: String,
    pub pushed: i64,
    pub awaiting: i64,
    pub claimed_today: i64,
    pub overdue_this_month: i64,
}

/// The digest figures of `day` (`YYYY-MM-DD`) per department with pushes and no digest of
/// that day yet; `month` is the `LIKE` pattern of the day's month (`YYYY-MM-%`).
pub fn digest_counts(
    c: &mut dyn Conn,
    day: &str,
    month: &str,
) -> Result<Vec<DigestCounts>, StoreError> {
    c.query(
        "SELECT p.jurisdiction, p.department, \
           CAST(SUM(CASE WHEN p.pushed_on = ? THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN p.status = 'awaiting_claim' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN p.claimed_on = ? THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN p.claim_due LIKE ? AND p.claim_due < ? AND (p.claimed_on IS NULL OR p.claimed_on > p.claim_due) THEN 1 ELSE 0 END) AS BIGINT) \
         FROM pushes p WHERE p.department IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM linkage_digests d WHERE d.jurisdiction = p.jurisdiction AND d.department = p.department AND d.on_date = ?) \
         GROUP BY p.jurisdiction, p.department ORDER BY p.jurisdiction, p.department",
        params![day, day, month, day, day],
    )?
    .into_iter()
    .map(|r| {
        Ok(DigestCounts {
            jurisdiction: r.text(0)?,
            department: r.text(1)?,
            pushed: r.int(2)?,
            awaiting: r.int(3)?,
            claimed_today: r.int(4)?,
            overdue_this_month: r.int(5)?,
        })
    })
    .collect()
}

/// Push counts of one department.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StatRow {
    pub department: String,
    pub pushed: i64,
    pub awaiting: i64,
    pub overdue: i64,
    pub claimed: i64,
    pub claimed_late: i64,
    pub unmapped: i64,
}

/// Counts per department for the bureau's tracking view and the leadership dashboard, by
/// department code ('' for the unmapped pushes): the counters of `push_tallies` (migration 61)
/// plus, for "overdue" (awaiting with `claim_due < today`, which moves with the day), the
/// awaiting pushes not yet due subtracted from those awaiting — a range of index
/// `pushes_awaiting` from `today` on, not every push of the history.
pub fn stats(c: &mut dyn Conn, j: &DivisionCode, today: &str) -> Result<Vec<StatRow>, StoreError> {
    let mut rows: std::collections::BTreeMap<String, StatRow> = Default::default();
    for (slot, n) in super::tallies::stored(c, j.as_str())? {
        let row = rows
            .entry(slot.department.clone())
            .or_insert_with(|| StatRow {
                department: slot.department.clone(),
                ..StatRow::default()
            });
        row.pushed += n;
        match slot.status.as_str() {
            "awaiting_claim" => row.awaiting += n,
            "claimed" => row.claimed += n,
            "claimed_late" => row.claimed_late += n,
            "unmapped" => row.unmapped += n,
            _ => {}
        }
    }
    let not_due = super::tallies::awaiting_not_overdue(c, j.as_str(), today)?;
    for row in rows.values_mut() {
        row.overdue = row.awaiting - not_due.get(&row.department).copied().unwrap_or(0);
    }
    Ok(rows.into_values().collect())
}

/// [`stats`] as one `GROUP BY` over every push of the jurisdiction (what it read before the
/// counters; the tests compare the two).
pub fn stats_grouped(
    c: &mut dyn Conn,
    j: &DivisionCode,
    today: &str,
) -> Result<Vec<StatRow>, StoreError> {
    c.query(
        "SELECT COALESCE(department, ''), COUNT(*), \
           CAST(SUM(CASE WHEN status = 'awaiting_claim' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'awaiting_claim' AND claim_due < ? THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'claimed' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'claimed_late' THEN 1 ELSE 0 END) AS BIGINT), \
           CAST(SUM(CASE WHEN status = 'unmapped' THEN 1 ELSE 0 END) AS BIGINT) \
         FROM pushes WHERE jurisdiction = ? GROUP BY COALESCE(department, '') ORDER BY 1",
        params![today, j.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(StatRow {
            department: r.text(0)?,
            pushed: r.int(1)?,
            awaiting: r.int(2)?,
            overdue: r.int(3)?,
            claimed: r.int(4)?,
            claimed_late: r.int(5)?,
            unmapped: r.int(6)?,
        })
    })
    .collect()
}

/// Adds an entry to a department's feed and, if the department registered a webhook, a
/// pending delivery of it due at `now` (unix seconds).
#[allow(clippy::too_many_arguments)]
pub fn enqueue(
    c: &mut dyn Conn,
    j: &DivisionCode,
    idx: u64,
    department: &DepartmentCode,
    kind: &str,
    ref_id: &str,
    body: &str,
    now: i64,
) -> Result<(), StoreError> {
    c.write(
        "INSERT INTO dept_feed (jurisdiction, idx, department, kind, ref_id, body) VALUES (?, ?, ?, ?, ?, ?)",
        params![j.as_str(), idx, department.as_str(), kind, ref_id, body],
    )?;
    let hooked = c
        .query_one(
            "SELECT 1 FROM webhooks WHERE jurisdiction = ? AND department = ?",
            params![j.as_str(), department.as_str()],
        )?
        .is_some();
    if hooked {
        c.execute(
            "INSERT INTO webhook_deliveries (jurisdiction, idx, department, state, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
            params![j.as_str(), idx, department.as_str(), now, now],
        )?;
    }
    Ok(())
}

/// One entry of a department's feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub idx: u64,
    pub kind: String,
    pub ref_id: String,
    /// The entry's JSON text.
    pub body: String,
}

/// Up to `limit` entries of a department's feed after index `after`, oldest first.
pub fn feed(
    c: &mut dyn Conn,
    j: &DivisionCode,
    department: &DepartmentCode,
    after: i64,
    limit: i64,
) -> Result<Vec<FeedEntry>, StoreError> {
    c.query(
        "SELECT idx, kind, ref_id, body FROM dept_feed WHERE jurisdiction = ? AND department = ? AND idx > ? ORDER BY idx LIMIT ?",
        params![j.as_str(), department.as_str(), after, limit],
    )?
    .into_iter()
    .map(|r| {
        Ok(FeedEntry {
            idx: r.u64(0)?,
            kind: r.text(1)?,
            ref_id: r.text(2)?,
            body: r.text(3)?,
        })
    })
    .collect()
}

/// The feed index of a piece of feedback (its ledger index); `None` when it is not on a feed.
pub fn feedback_feed_index(
    c: &mut dyn Conn,
    j: &DivisionCode,
    feedback_id: &str,
) -> Result<Option<u64>, StoreError> {
    c.query_one(
        "SELECT idx FROM dept_feed WHERE jurisdiction = ? AND kind = 'feedback' AND ref_id = ?",
        params![j.as_str(), feedback_id],
    )?
    .map(|r| r.u64(0))
    .transpose()
}

/// A request remembered under an idempotency key.
#[derive(Debug, Clone)]
pub struct Remembered {
    pub request_sha256: String,
    /// The first response's JSON text.
    pub response: String,
}

/// What `principal` got the first time it sent `key`.
pub fn remembered(
    c: &mut dyn Conn,
    principal: &str,
    key: &str,
) -> Result<Option<Remembered>, StoreError> {
    c.query_one(
        "SELECT request_sha256, response FROM idempotency_keys WHERE principal = ? AND idem_key = ?",
        params![principal, key],
    )?
    .map(|r| {
        Ok(Remembered {
            request_sha256: r.text(0)?,
            response: r.text(1)?,
        })
    })
    .transpose()
}

/// Remembers the response to a request sent with an idempotency key.
pub fn remember(
    c: &mut dyn Conn,
    principal: &str,
    key: &str,
    request_sha256: &str,
    response: &str,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO idempotency_keys (principal, idem_key, request_sha256, response) VALUES (?, ?, ?, ?)",
        params![principal, key, request_sha256, response],
    )?;
    Ok(())
}
