//! Departments' webhooks and their deliveries: registration, secret rotation, the delivery
//! queue the background worker drains, and the state a department reads back. Secrets are
//! stored as the server hands them over (sealed under the master key); this module never sees
//! a plaintext one except those an earlier version stored.

use oneseal_domain::org::{DepartmentCode, DivisionCode};

use crate::sql::Conn;
use crate::{StoreError, params};

/// A webhook whose secret an earlier version stored in plain text.
#[derive(Debug, Clone)]
pub struct PlainSecret {
    pub jurisdiction: String,
    pub department: String,
    pub secret: String,
}

/// The webhooks whose secret is not sealed (`enc1:`) yet.
pub fn plain_secrets(c: &mut dyn Conn) -> Result<Vec<PlainSecret>, StoreError> {
    c.query(
        "SELECT jurisdiction, department, secret FROM webhooks WHERE secret NOT LIKE 'enc1:%'",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(PlainSecret {
            jurisdiction: r.text(0)?,
            department: r.text(1)?,
            secret: r.text(2)?,
        })
    })
    .collect()
}

/// Replaces a plain secret by its sealed text, provided it is still the same secret.
pub fn replace_plain_secret(
    c: &mut dyn Conn,
    plain: &PlainSecret,
    sealed: &str,
) -> Result<u64, StoreError> {
    c.execute(
        "UPDATE webhooks SET secret = ? WHERE jurisdiction = ? AND department = ? AND secret = ?",
        params![
            sealed,
            plain.jurisdiction.as_str(),
            plain.department.as_str(),
            plain.secret.as_str()
        ],
    )
}

/// Registers a department's webhook afresh: an earlier one, and its secrets, are gone.
pub fn register(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
    url: &str,
    sealed_secret: &str,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM webhooks WHERE jurisdiction = ? AND department = ?",
        params![j.as_str(), d.as_str()],
    )?;
    c.execute(
        "INSERT INTO webhooks (jurisdiction, department, url, secret, created_at) VALUES (?, ?, ?, ?, ?)",
        params![j.as_str(), d.as_str(), url, sealed_secret, now],
    )?;
    Ok(())
}

/// Makes `sealed_secret` the department's secret, the current one its previous until `until`;
/// `false` when the department has no webhook.
pub fn rotate(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
    sealed_secret: &str,
    until: i64,
) -> Result<bool, StoreError> {
    rotate_secret(c, j.as_str(), d.as_str(), sealed_secret, until)
}

/// The secret rotation of any hook row, a department's or a platform's (whose `department`
/// column holds the platform's code): the old secret keeps signing until `until`.
pub(crate) fn rotate_secret(
    c: &mut dyn Conn,
    jurisdiction: &str,
    owner: &str,
    sealed_secret: &str,
    until: i64,
) -> Result<bool, StoreError> {
    let changed = c.execute(
        "UPDATE webhooks SET previous_secret = secret, previous_until = ?, secret = ? \
         WHERE jurisdiction = ? AND department = ?",
        params![until, sealed_secret, jurisdiction, owner],
    )?;
    Ok(changed != 0)
}

/// A department's webhook, without its secrets.
#[derive(Debug, Clone)]
pub struct Hook {
    pub url: String,
    pub created_at: i64,
    pub previous_until: Option<i64>,
}

pub fn hook(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
) -> Result<Option<Hook>, StoreError> {
    c.query_one(
        "SELECT url, created_at, previous_until FROM webhooks WHERE jurisdiction = ? AND department = ?",
        params![j.as_str(), d.as_str()],
    )?
    .map(|r| {
        Ok(Hook {
            url: r.text(0)?,
            created_at: r.int(1)?,
            previous_until: r.opt_int(2)?,
        })
    })
    .transpose()
}

/// One delivery as the department sees it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub idx: u64,
    pub kind: String,
    pub ref_id: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status: Option<i64>,
    /// The stored error category (or, from an earlier version, an error text).
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
}

/// The department's latest 50 deliveries, newest first.
pub fn latest_deliveries(
    c: &mut dyn Conn,
    j: &DivisionCode,
    d: &DepartmentCode,
) -> Result<Vec<Delivery>, StoreError> {
    c.query(
        "SELECT w.idx, f.kind, f.ref_id, w.state, w.attempts, w.next_attempt_at, w.last_status, w.last_error, w.delivered_at \
         FROM webhook_deliveries w JOIN dept_feed f ON f.jurisdiction = w.jurisdiction AND f.idx = w.idx \
         WHERE w.jurisdiction = ? AND w.department = ? ORDER BY w.idx DESC LIMIT 50",
        params![j.as_str(), d.as_str()],
    )?
    .into_iter()
    .map(|r| {
        Ok(Delivery {
            idx: r.u64(0)?,
            kind: r.text(1)?,
            ref_id: r.text(2)?,
            state: r.text(3)?,
            attempts: r.int(4)?,
            next_attempt_at: r.int(5)?,
            last_status: r.opt_int(6)?,
            last_error: r.opt_text(7)?,
            delivered_at: r.opt_int(8)?,
        })
    })
    .collect()
}

/// A delivery that is due, with what it takes to make it.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub jurisdiction: String,
    pub idx: u64,
    pub url: String,
    /// The stored (sealed) secret.
    pub secret: String,
    pub attempts: i64,
    pub department: String,
    pub kind: String,
    pub ref_id: String,
    /// The feed entry's JSON text.
    pub body: String,
    pub previous_secret: Option<String>,
    pub previous_until: Option<i64>,
    pub created_at: Option<i64>,
}

/// Up to 50 pending or retrying deliveries due at `now` (unix seconds), the longest due first.
pub fn due(c: &mut dyn Conn, now: i64) -> Result<Vec<DueDelivery>, StoreError> {
    c.query(
        "SELECT w.jurisdiction, w.idx, h.url, h.secret, w.attempts, f.department, f.kind, f.ref_id, f.body, \
           h.previous_secret, h.previous_until, w.created_at \
         FROM webhook_deliveries w \
         JOIN webhooks h ON h.jurisdiction = w.jurisdiction AND h.department = w.department \
         JOIN dept_feed f ON f.jurisdiction = w.jurisdiction AND f.idx = w.idx \
         WHERE w.state IN ('pending', 'retrying') AND w.next_attempt_at <= ? ORDER BY w.next_attempt_at LIMIT 50",
        params![now],
    )?
    .into_iter()
    .map(|r| {
        Ok(DueDelivery {
            jurisdiction: r.text(0)?,
            idx: r.u64(1)?,
            url: r.text(2)?,
            secret: r.text(3)?,
            attempts: r.int(4)?,
            department: r.text(5)?,
            kind: r.text(6)?,
            ref_id: r.text(7)?,
            body: r.text(8)?,
            previous_secret: r.opt_text(9)?,
            previous_until: r.opt_int(10)?,
            created_at: r.opt_int(11)?,
        })
    })
    .collect()
}

/// The outcome of one attempt at a delivery.
#[derive(Debug, Clone)]
pub struct Attempted<'a> {
    pub state: &'a str,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<&'a str>,
    pub delivered_at: Option<i64>,
}

pub fn record_attempt(
    c: &mut dyn Conn,
    jurisdiction: &str,
    idx: u64,
    a: &Attempted<'_>,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ? \
         WHERE jurisdiction = ? AND idx = ?",
        params![a.state, a.attempts, a.next_attempt_at, a.last_status, a.last_error, a.delivered_at, jurisdiction, idx],
    )?;
    Ok(())
}
