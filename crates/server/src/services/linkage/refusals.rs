//! Refused attempts (a department acting on another's push, or on an id that does not exist):
//! kept on the log for accountability, at a bounded rate, and without the text a department sent.
//! An attempt on an existing id names that id (the system issued it); an attempt on an unknown one
//! names only its kind, length and a salted hash, because a caller can send anything there — an
//! ID number, a name, 70,000 characters — and the log is public and permanent.

use oneseal_domain::event::Event;
use oneseal_domain::linkage::refused_target;
use oneseal_domain::org::{DepartmentCode, DivisionCode};
use oneseal_store::Store;
use time::OffsetDateTime;

use super::error::{LinkageError, Refusal};
use super::events::{record, system_meta};

/// Refused attempts a department may have recorded on the ledger per minute (per server).
pub const REFUSALS_PER_MINUTE: u32 = 20;

/// Bounds how fast one department can grow the public log with refused attempts: beyond
/// [`REFUSALS_PER_MINUTE`] it gets 429 and nothing is recorded, so hammering unknown ids costs
/// the log at most that many entries a minute.
#[derive(Debug, Default)]
pub struct RefusalLimiter {
    /// (Jurisdiction, department) → (minute, attempts recorded in it).
    seen: std::sync::Mutex<std::collections::HashMap<(String, String), (i64, u32)>>,
}

impl RefusalLimiter {
    /// Counts one attempt at `now`; false once the department's minute is full. Departments of
    /// the same code in different jurisdictions (the city's and a county's market regulation)
    /// have budgets of their own.
    pub fn admit(
        &self,
        jurisdiction: &DivisionCode,
        department: &DepartmentCode,
        now: OffsetDateTime,
    ) -> bool {
        let minute = now.unix_timestamp().div_euclid(60);
        let Ok(mut seen) = self.seen.lock() else {
            return false;
        };
        // Forget earlier minutes so the map holds only the departments active now.
        seen.retain(|_, (m, _)| *m == minute);
        let entry = seen
            .entry((
                jurisdiction.as_str().to_owned(),
                department.as_str().to_owned(),
            ))
            .or_insert((minute, 0));
        entry.1 += 1;
        entry.1 <= REFUSALS_PER_MINUTE
    }
}

/// What a refused request aimed at: a fixed kind (`push`, `licence`, `feedback`) and the id or
/// word the caller sent.
#[derive(Debug, Clone)]
pub struct Aim {
    pub kind: &'static str,
    pub sent: String,
}

impl Aim {
    pub fn new(kind: &'static str, sent: impl Into<String>) -> Self {
        Aim {
            kind,
            sent: sent.into(),
        }
    }
}

/// Records the attempt when a department (`department`: the caller, if it is only a department)
/// is refused on someone else's business or on something unknown (at most
/// [`REFUSALS_PER_MINUTE`] a minute; beyond that the answer is `TooManyRefusals` and nothing is
/// recorded).
pub async fn refused<T>(
    store: &Store,
    limiter: &RefusalLimiter,
    now: OffsetDateTime,
    jurisdiction: &DivisionCode,
    department: Option<DepartmentCode>,
    aim: Aim,
    r: Result<T, LinkageError>,
) -> Result<T, LinkageError> {
    if let (Err(e), Some(d)) = (&r, department)
        && let Some(refusal) = e.refusal()
    {
        if !limiter.admit(jurisdiction, &d, now) {
            return Err(LinkageError::TooManyRefusals);
        }
        record_refusal(store, now, jurisdiction.clone(), d, aim, refusal).await?;
    }
    r
}

/// Writes the refusal. Only `forbidden_department` proves the id exists (it was found and then
/// refused); every other refusal names its target by length and salted hash.
pub async fn record_refusal(
    store: &Store,
    now: OffsetDateTime,
    j: DivisionCode,
    department: DepartmentCode,
    aim: Aim,
    refusal: Refusal,
) -> Result<(), LinkageError> {
    let (target, target_salt) = if refusal == Refusal::ForbiddenDepartment {
        (format!("{}:{}", aim.kind, aim.sent), None)
    } else {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| LinkageError::Internal(format!("randomness: {e}")))?;
        (
            refused_target(aim.kind, &aim.sent, &salt),
            Some(hex::encode(salt)),
        )
    };
    store
        .write(move |tx| {
            record(
                tx,
                &system_meta(now, &j),
                &Event::LinkageRefused {
                    department,
                    target,
                    code: refusal.code().to_owned(),
                    target_salt,
                },
            )?;
            Ok(())
        })
        .await
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn each_department_of_each_jurisdiction_has_its_own_budget_per_minute() {
        let limiter = RefusalLimiter::default();
        let (city, county) = (
            DivisionCode::parse("370100").unwrap(),
            DivisionCode::parse("370114").unwrap(),
        );
        let scjg = DepartmentCode::parse("SCJG").unwrap();
        let now = time::macros::datetime!(2026-11-27 09:00:05 UTC);
        for _ in 0..REFUSALS_PER_MINUTE {
            assert!(limiter.admit(&city, &scjg, now));
        }
        assert!(!limiter.admit(&city, &scjg, now));
        assert!(
            limiter.admit(&county, &scjg, now),
            "the county's own budget"
        );
        assert!(limiter.admit(&city, &scjg, now + time::Duration::minutes(1)));
    }
}
