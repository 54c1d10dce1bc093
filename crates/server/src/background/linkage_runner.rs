//! The working-day runner of the linkage: reminders and escalations of unclaimed pushes when
//! they fall due, and each department's digest after 17:00 on a working day. `spawn_runner`
//! also drives the monitoring rules and webhook delivery, all only while this process leads.

use std::sync::Arc;

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::legal_date;
use oneseal_domain::event::Event;
use oneseal_domain::linkage::{Push, PushEvent};
use oneseal_domain::org::StaffId;
use oneseal_store::linkage::{bureau, load_push_events, pushes};
use oneseal_store::{Store, Tx};
use time::{Date, OffsetDateTime};

use super::webhook_delivery::{self, Deliverer};
use crate::AppState;
use crate::services::linkage::{
    LinkageError, enqueue, parse_dept, parse_division, record, record_push, system_meta,
};

/// What one run of the working-day runner did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RunReport {
    pub reminded: usize,
    pub escalated: usize,
    pub digests: usize,
    /// Joint-review consultations reminded and escalated (`services::consultations`).
    pub consultations: crate::services::consultations::Reminders,
}

/// The hour (Beijing time) after which a working day's digest is issued.
pub const DIGEST_HOUR: u8 = 17;

/// Reminders and escalations due today, and the day's digests after 17:00 on a working day.
/// Deterministic in `now`, the calendar and the tables; safe to run any number of times.
pub async fn run_due(
    store: &Store,
    calendar: Arc<Calendar>,
    now: OffsetDateTime,
) -> Result<RunReport, LinkageError> {
    store.write(move |tx| run_due_in(tx, &calendar, now)).await
}

/// The day, and every log's size, at which a run found no digest left to issue.
type Quiet = Option<(Date, Vec<(String, u64)>)>;

/// What a server's runner remembers between runs: the day, and the logs' sizes, at which a
/// run found no department left to digest. Until the day turns or a log grows (a new push, a
/// claim) the answer cannot change, so an idle server does not count its pushes again.
#[derive(Default)]
pub struct DigestMemo {
    quiet: std::sync::Mutex<Quiet>,
}

impl DigestMemo {
    /// Like [`run_due`], skipping the digests' query while nothing it reads has changed.
    pub async fn run_due(
        self: &Arc<Self>,
        store: &Store,
        calendar: Arc<Calendar>,
        now: OffsetDateTime,
    ) -> Result<RunReport, LinkageError> {
        let memo = Arc::clone(self);
        store
            .write(move |tx| run_due_memo(tx, &calendar, now, Some(&memo)))
            .await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Quiet> {
        self.quiet
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The background task of `serve`: the linkage runner every half minute, the monitoring rules
/// every minute, webhook deliveries and applicants' text messages every two seconds, all only while this process leads (with
/// several servers on one database exactly one runs them; each runner is also idempotent, so a
/// reminder, digest or alert already recorded is never recorded again).
pub fn spawn_runner(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let deliverer = match Deliverer::new(state.webhook_policy) {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::error!(error = %e, "webhook client; webhooks will not be delivered");
                None
            }
        };
        let digests = Arc::new(DigestMemo::default());
        for tick in 0u64.. {
            if !state.leadership.is_leader() {
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                continue;
            }
            let now = state.clock.now();
            if tick % 15 == 0
                && let Err(e) = digests
                    .run_due(&state.store, state.calendar.current(), now)
                    .await
            {
                tracing::warn!(error = %e, "linkage runner");
            }
            if tick % 30 == 0
                && let Err(e) = state.rule_engines.run(&state.store, now).await
            {
                tracing::warn!(error = %e, "rule runner");
            }
            if let (Some(secrets), Some(deliverer)) = (&state.webhook_secrets, &deliverer)
                && let Err(e) =
                    webhook_delivery::deliver_due(&state.store, secrets, deliverer, now).await
            {
                tracing::warn!(error = %e, "webhook delivery");
            }
            // The applicants' text messages (`services::inbox`).
            if let Err(e) = crate::services::inbox::deliver_due(
                &state.store,
                state.code_sender.as_ref(),
                now.unix_timestamp(),
            )
            .await
            {
                tracing::warn!(error = %e, "applicant messages");
            }
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
    })
}

pub(crate) fn run_due_in(
    tx: &mut Tx<'_>,
    calendar: &Calendar,
    now: OffsetDateTime,
) -> Result<RunReport, LinkageError> {
    run_due_memo(tx, calendar, now, None)
}

fn run_due_memo(
    tx: &mut Tx<'_>,
    calendar: &Calendar,
    now: OffsetDateTime,
    memo: Option<&DigestMemo>,
) -> Result<RunReport, LinkageError> {
    let today = legal_date(now);
    let mut report = RunReport::default();
    // Only the pushes whose reminder or escalation date has passed: not every unclaimed one.
    for open in pushes::awaiting_action(tx.conn(), &today.to_string())? {
        let push_id = open.push_id;
        let j = parse_division(&open.jurisdiction)?;
        let inspectors: Vec<StaffId> = bureau::active_inspectors(tx.conn(), &j)?
            .into_iter()
            .filter_map(|s| StaffId::parse(&s).ok())
            .collect();
        let push = Push::apply(&load_push_events(tx.conn(), &push_id)?)?;
        let meta = system_meta(now, &j);
        for e in push.due_actions(today, &inspectors) {
            match e {
                PushEvent::Reminded { .. } => report.reminded += 1,
                _ => report.escalated += 1,
            }
            record_push(tx, &meta, &push_id, e, push.department.as_ref())?;
        }
    }
    report.consultations = crate::services::consultations::remind_due(tx, now)
        .map_err(|e| LinkageError::Internal(format!("consultations: {e}")))?;
    let after_hours = now.to_offset(time::macros::offset!(+8)).hour() >= DIGEST_HOUR;
    if after_hours && calendar.is_working_day(today).unwrap_or(false) {
        let sizes = match memo {
            Some(_) => oneseal_store::rules::log_sizes(tx.conn())?,
            None => Vec::new(),
        };
        let quiet = memo.is_some_and(|m| m.lock().as_ref() == Some(&(today, sizes.clone())));
        if !quiet {
            report.digests = issue_digests(tx, today, now)?;
            if let Some(m) = memo {
                // Quiet once a run issues nothing: digests just issued grew the logs, so the
                // next run checks once more and then remembers.
                *m.lock() = (report.digests == 0).then_some((today, sizes));
            }
        }
    }
    Ok(report)
}

/// One digest per department with pushes, per working day (pushed today / awaiting claim /
/// claimed today / overdue this month), each on the ledger and on the department's feed.
fn issue_digests(tx: &mut Tx<'_>, today: Date, now: OffsetDateTime) -> Result<usize, LinkageError> {
    let day = today.to_string();
    let month = format!("{}%", &day[..8]);
    let rows = pushes::digest_counts(tx.conn(), &day, &month)?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    let mut n = 0;
    for r in rows {
        let j = parse_division(&r.jurisdiction)?;
        let department = parse_dept(&r.department)?;
        let e = Event::DigestIssued {
            department: department.clone(),
            on: today,
            pushed: count(r.pushed),
            awaiting: count(r.awaiting),
            claimed_today: count(r.claimed_today),
            overdue_this_month: count(r.overdue_this_month),
        };
        let meta = system_meta(now, &j);
        let idx = record(tx, &meta, &e)?;
        let body = e.public_view();
        enqueue(tx, &j, idx, &department, "digest", &day, &body, now)?;
        n += 1;
    }
    Ok(n)
}
