//! `oneseal rules replay`: runs the rule engine over each log again, up to the runner's cursor,
//! and compares with the alert table. An alert that should exist and doesn't, or exists and
//! shouldn't, or differs from what the log proves, is reported by id.

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
