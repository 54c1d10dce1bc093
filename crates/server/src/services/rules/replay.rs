//! `oneseal rules replay`: runs the rule engine over each log again, up to the runner's cursor,
//! and compares with the alert table. An alert that should exist and doesn't, or exists and
//! shouldn't, or differs from what the log proves, is reported by id. The accountability
//! report's counters (`alert_tallies`, and their month roll-ups `alert_tallies_monthly`) are
//! recounted from the alerts the log proves and compared row by row, so a count edited behind
//! the log's back is found too.

use oneseal_domain::org::DivisionCode;
use oneseal_domain::rules::{Alert, Engine};
use oneseal_store::Conn;

use super::{RulesError, builtin_calendar, read_log_range};

/// Entries read and fed at a time.
const REPLAY_PAGE: u64 = 2_000;

/// A difference between the recorded alerts and those the log proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayFinding {
    Missing {
        log: String,
        alert: Box<Alert>,
    },
    Unexpected {
        log: String,
        alert_id: String,
    },
    Different {
        log: String,
        alert_id: String,
        what: String,
    },
    /// A counter of `alert_tallies` (or of `alert_tallies_monthly`) that is not the count of
    /// the proved alerts.
    Tally {
        log: String,
        /// day/responsible/department/rule/item (month/… for a month row).
        key: String,
        recorded: i64,
        proved: i64,
    },
}

impl std::fmt::Display for ReplayFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayFinding::Missing { log, alert } => write!(
                f,
                "log {log}: alert {} ({}, {}) should exist and does not",
                alert.alert_id,
                alert.rule.code(),
                alert.subject
            ),
            ReplayFinding::Unexpected { log, alert_id } => {
                write!(
                    f,
                    "log {log}: alert {alert_id} exists but the log does not prove it"
                )
            }
            ReplayFinding::Different {
                log,
                alert_id,
                what,
            } => write!(f, "log {log}: alert {alert_id} differs: {what}"),
            ReplayFinding::Tally {
                log,
                key,
                recorded,
                proved,
            } => write!(
                f,
                "log {log}: alert count {key} is {recorded}, the proved alerts give {proved}"
            ),
        }
    }
}

/// What replay found.
#[derive(Debug, Default)]
pub struct ReplayReport {
    pub logs: usize,
    pub alerts: usize,
    pub findings: Vec<ReplayFinding>,
}

/// Recomputes every alert from each log up to the runner's cursor and compares.
pub fn replay(conn: &mut dyn Conn) -> Result<ReplayReport, RulesError> {
    let mut report = ReplayReport::default();
    for (log, _) in oneseal_store::rules::log_sizes(conn)? {
        let Ok(j) = DivisionCode::parse(&log) else {
            continue;
        };
        report.logs += 1;
        let cursor = oneseal_store::rules::cursor(conn, &log)?.unwrap_or(0);
        // A page at a time: the engine keeps only the open work, the log need not be held.
        let mut engine = Engine::new(builtin_calendar()?);
        let mut next = 0;
        while next < cursor {
            let to = (next + REPLAY_PAGE).min(cursor);
            for item in read_log_range(conn, &log, next, to)? {
                engine.feed(&item);
            }
            next = to;
        }
        let expected = engine.alerts().to_vec();
        drop(engine);
        compare_tallies(conn, &log, &expected, &mut report.findings)?;
        let mut recorded = oneseal_store::rules::recorded_alerts(conn, j.as_str())?;
        report.alerts += expected.len();
        for a in expected {
            match recorded.remove(&a.alert_id) {
                None => report.findings.push(ReplayFinding::Missing {
                    log: log.clone(),
                    alert: Box::new(a),
                }),
                Some(r) => {
                    let (rule, hash, subject, from, at) =
                        (r.rule_id, r.rule_hash, r.subject, r.from_index, r.at_index);
                    let want = (
                        a.rule.code().to_owned(),
                        a.rule_hash.clone(),
                        a.subject.clone(),
                        a.from_index,
                        a.at_index,
                    );
                    if (rule.clone(), hash.clone(), subject.clone(), from, at) != want {
                        report.findings.push(ReplayFinding::Different {
                            log: log.clone(),
                            alert_id: a.alert_id.clone(),
                            what: format!(
                                "recorded ({rule}, {hash}, {subject}, {from}..{at}), proved ({}, {}, {}, {}..{})",
                                want.0, want.1, want.2, want.3, want.4
                            ),
                        });
                    }
                }
            }
        }
        for alert_id in recorded.into_keys() {
            report.findings.push(ReplayFinding::Unexpected {
                log: log.clone(),
                alert_id,
            });
        }
    }
    Ok(report)
}

/// Compares the jurisdiction's alert counters, day rows and month rows, with a count of the
/// proved alerts.
fn compare_tallies(
    conn: &mut dyn Conn,
    log: &str,
    proved: &[Alert],
    findings: &mut Vec<ReplayFinding>,
) -> Result<(), RulesError> {
    use oneseal_store::rules::tallies;
    let days = tallies::count_alerts(conn, proved)?;
    let months = tallies::by_month(&days);
    for (mut recorded, counted) in [
        (tallies::stored(conn, log)?, days),
        (tallies::stored_months(conn, log)?, months),
    ] {
        let mut differ = |k: &tallies::AlertTallyKey, recorded: i64, proved: i64| {
            findings.push(ReplayFinding::Tally {
                log: log.to_owned(),
                key: format!(
                    "{}/{}/{}/{}/{}",
                    k.day, k.responsible, k.responsible_department, k.rule_id, k.item
                ),
                recorded,
                proved,
            });
        };
        for (k, n) in counted {
            let r = recorded.remove(&k).unwrap_or(0);
            if r != n {
                differ(&k, r, n);
            }
        }
        for (k, r) in recorded {
            differ(&k, r, 0);
        }
    }
    Ok(())
}
