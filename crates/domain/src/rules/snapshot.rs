//! The engine's state written out and read back (issue #17: a restart need not fold the whole
//! log again). A snapshot holds everything the fold has gathered after some prefix of a log;
//! restored, the engine continues exactly as the one that wrote it, so feeding it the entries
//! after that prefix gives the alerts a fold of the whole log gives (the caller checks that the
//! log it continues is the log the snapshot was taken of, and that the code is the same).
//!
//! Local expression rules are written as their recorded versions and compiled again when read.
//! [`Engine::from_snapshot`] builds the engine with a struct literal, so a field added to the
//! engine does not compile until it is written and read here too.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize, Serializer};
use time::{Date, OffsetDateTime};

use super::engine::RetiredCase;
use super::engine::{CaseTrack, Engine};
use super::expression::{self, ExpressionRule};
use super::model::{Alert, RuleVersion};
use crate::calendar::{Calendar, YearCalendar};
use crate::case::CaseEvent;
use crate::catalog::TimeLimit;
use crate::commitment::CommitmentEvent;
use crate::consultation::ConsultationEvent;
use crate::coordination::MatterEvent;
use crate::licence::LicenceEvent;
use crate::linkage::PushEvent;
use crate::org::{Role, StaffId};
use crate::project::ProjectEvent;

/// The layout of a snapshot; a snapshot of another layout is not read. 2: closed cases are
/// retired (`rules::retire`), finished pushes and consultations dropped; a snapshot of layout 1
/// holds them all and would be read as if no case had ever been retired.
pub const SNAPSHOT_FORMAT: u32 = 2;

/// Why a snapshot cannot be read back (the caller then folds the log from the start).
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot: {0}")]
    Json(#[from] serde_json::Error),
    #[error("snapshot of layout {0}, this engine reads {SNAPSHOT_FORMAT}")]
    Format(u32),
    #[error("snapshot calendar: {0}")]
    Calendar(String),
    #[error("snapshot expression rule {0} no longer compiles")]
    Expression(String),
}

/// A map written as a list of pairs (JSON objects only take string keys).
struct Pairs<'a, K, V>(&'a BTreeMap<K, V>);

impl<K: Serialize, V: Serialize> Serialize for Pairs<'_, K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

/// A case as the engine tracks it: (first index, last index, events, holder).
type TrackParts = (u64, u64, Vec<CaseEvent>, Option<StaffId>);

struct Tracks<'a>(&'a BTreeMap<String, CaseTrack>);

impl Serialize for Tracks<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|(n, t)| (n, (t.first_index, t.last_index, &t.events, &t.holder))),
        )
    }
}

/// The calendar: each loaded year's JSON, and each superseded year's with when it was replaced.
#[derive(Serialize, Deserialize)]
struct CalendarParts {
    years: Vec<String>,
    superseded: Vec<(OffsetDateTime, String)>,
}

fn calendar_parts(c: &Calendar) -> Result<CalendarParts, serde_json::Error> {
    let years = c
        .loaded_years()
        .filter_map(|y| c.year(y))
        .map(YearCalendar::to_json)
        .collect::<Result<_, _>>()?;
    let superseded = c
        .superseded()
        .map(|(at, y)| y.to_json().map(|j| (at, j)))
        .collect::<Result<_, _>>()?;
    Ok(CalendarParts { years, superseded })
}

fn calendar_from(parts: CalendarParts) -> Result<Calendar, SnapshotError> {
    let bad = |e: crate::calendar::YearDataError| SnapshotError::Calendar(e.to_string());
    let mut c = Calendar::new();
    for json in &parts.years {
        c.insert_year(YearCalendar::from_json(json).map_err(bad)?);
    }
    for (at, json) in &parts.superseded {
        c.remember_superseded(YearCalendar::from_json(json).map_err(bad)?, *at);
    }
    Ok(c)
}

#[derive(Serialize)]
struct Out<'a> {
    format: u32,
    calendar: CalendarParts,
    versions: Vec<&'a RuleVersion>,
    roles: Pairs<'a, StaffId, Vec<Role>>,
    heads: &'a BTreeSet<StaffId>,
    cases: Tracks<'a>,
    pushes: Pairs<'a, String, (u64, Vec<PushEvent>)>,
    consultations: Pairs<'a, String, (u64, Vec<ConsultationEvent>)>,
    matters: Pairs<'a, String, (u64, Vec<MatterEvent>)>,
    projects: Pairs<'a, String, (u64, Vec<ProjectEvent>)>,
    licences: Pairs<'a, String, (u64, Vec<LicenceEvent>)>,
    commitments: Pairs<'a, String, (u64, Vec<CommitmentEvent>)>,
    retired: Pairs<'a, String, RetiredCase>,
    promised: Pairs<'a, String, TimeLimit>,
    item_departments: Pairs<'a, String, String>,
    item_materials: Pairs<'a, (String, u32), Vec<String>>,
    staff_departments: Pairs<'a, StaffId, String>,
    decisions: Pairs<'a, (StaffId, Date), u32>,
    rectifications: Pairs<'a, String, (u64, Date)>,
    day: Option<Date>,
    raised: &'a BTreeSet<String>,
    alerts: &'a [Alert],
    expressions: Vec<&'a ExpressionRule>,
}

#[derive(Deserialize)]
struct In {
    format: u32,
    calendar: CalendarParts,
    versions: Vec<RuleVersion>,
    roles: Vec<(StaffId, Vec<Role>)>,
    heads: BTreeSet<StaffId>,
    cases: Vec<(String, TrackParts)>,
    pushes: Vec<(String, (u64, Vec<PushEvent>))>,
    consultations: Vec<(String, (u64, Vec<ConsultationEvent>))>,
    matters: Vec<(String, (u64, Vec<MatterEvent>))>,
    /// Absent in snapshots written before construction projects.
    #[serde(default)]
    projects: Vec<(String, (u64, Vec<ProjectEvent>))>,
    licences: Vec<(String, (u64, Vec<LicenceEvent>))>,
    /// Absent in snapshots written before issue #19 item 5.
    #[serde(default)]
    commitments: Vec<(String, (u64, Vec<CommitmentEvent>))>,
    retired: Vec<(String, RetiredCase)>,
    promised: Vec<(String, TimeLimit)>,
    item_departments: Vec<(String, String)>,
    item_materials: Vec<((String, u32), Vec<String>)>,
    staff_departments: Vec<(StaffId, String)>,
    decisions: Vec<((StaffId, Date), u32)>,
    rectifications: Vec<(String, (u64, Date))>,
    day: Option<Date>,
    raised: BTreeSet<String>,
    alerts: Vec<Alert>,
    expressions: Vec<ExpressionRule>,
}

impl Engine {
    /// Writes the engine's state as JSON to `w` (streamed: nothing is copied first).
    ///
    /// # Errors
    /// What `w` returns, as a [`serde_json::Error`].
    pub fn write_snapshot<W: std::io::Write>(&self, w: W) -> Result<(), serde_json::Error> {
        let out = Out {
            format: SNAPSHOT_FORMAT,
            calendar: calendar_parts(&self.calendar)?,
            versions: self.versions.values().collect(),
            roles: Pairs(&self.roles),
            heads: &self.heads,
            cases: Tracks(&self.cases),
            pushes: Pairs(&self.pushes),
            consultations: Pairs(&self.consultations),
            matters: Pairs(&self.matters),
            projects: Pairs(&self.projects),
            licences: Pairs(&self.licences),
            commitments: Pairs(&self.commitments),
            retired: Pairs(&self.retired),
            promised: Pairs(&self.promised),
            item_departments: Pairs(&self.item_departments),
            item_materials: Pairs(&self.item_materials),
            staff_departments: Pairs(&self.staff_departments),
            decisions: Pairs(&self.decisions),
            rectifications: Pairs(&self.rectifications),
            day: self.day,
            raised: &self.raised,
            alerts: &self.alerts,
            expressions: self.expressions.values().map(|c| &c.rule).collect(),
        };
        serde_json::to_writer(w, &out)
    }

    /// Reads back what [`Engine::write_snapshot`] wrote.
    ///
    /// # Errors
    /// [`SnapshotError`] when the bytes are not a snapshot of this layout, or a year or an
    /// expression rule in it is refused today.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let s: In = serde_json::from_slice(bytes)?;
        if s.format != SNAPSHOT_FORMAT {
            return Err(SnapshotError::Format(s.format));
        }
        let mut expressions = BTreeMap::new();
        for rule in s.expressions {
            let code = rule.code.clone();
            let c = expression::Compiled::try_new(rule)
                .map_err(|_| SnapshotError::Expression(code.clone()))?;
            expressions.insert(code, c);
        }
        Ok(Engine {
            calendar: calendar_from(s.calendar)?,
            versions: s.versions.into_iter().map(|v| (v.rule, v)).collect(),
            roles: s.roles.into_iter().collect(),
            heads: s.heads,
            cases: s
                .cases
                .into_iter()
                .map(|(n, (first_index, last_index, events, holder))| {
                    (
                        n,
                        CaseTrack {
                            first_index,
                            last_index,
                            events,
                            holder,
                        },
                    )
                })
                .collect(),
            pushes: s.pushes.into_iter().collect(),
            consultations: s.consultations.into_iter().collect(),
            matters: s.matters.into_iter().collect(),
            projects: s.projects.into_iter().collect(),
            licences: s.licences.into_iter().collect(),
            commitments: s.commitments.into_iter().collect(),
            retired: s.retired.into_iter().collect(),
            // An engine keeping history restores as one that retires: the same alerts.
            compact: true,
            promised: s.promised.into_iter().collect(),
            item_departments: s.item_departments.into_iter().collect(),
            item_materials: s.item_materials.into_iter().collect(),
            staff_departments: s.staff_departments.into_iter().collect(),
            decisions: s.decisions.into_iter().collect(),
            rectifications: s.rectifications.into_iter().collect(),
            day: s.day,
            raised: s.raised,
            alerts: s.alerts,
            expressions,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::date;

    use super::super::tests::Log;
    use super::*;
    use crate::case::testkit::{Harness, cal, item};
    use crate::rules::evaluate;

    fn snapshot(e: &Engine) -> Vec<u8> {
        let mut out = Vec::new();
        e.write_snapshot(&mut out).unwrap();
        out
    }

    /// Cut anywhere, written out and read back, the engine goes on to the alerts of one fold,
    /// time-driven ones included, and reads back to the very bytes it was written from.
    #[test]
    fn a_restored_engine_continues_as_the_one_that_wrote_it() {
        let h = Harness::received(MON, item(20, 10, &[]));
        let mut log = Log::new();
        log.case(&h.events);
        for day in [
            date!(2026 - 11 - 09),
            date!(2026 - 11 - 10),
            date!(2026 - 11 - 11),
        ] {
            log.tick(day);
        }
        let whole = evaluate(cal(), &log.items);
        assert!(!whole.is_empty());
        for cut in 0..=log.items.len() {
            let mut e = Engine::new(cal());
            for item in &log.items[..cut] {
                e.feed(item);
            }
            let bytes = snapshot(&e);
            let mut back = Engine::from_snapshot(&bytes).unwrap();
            assert_eq!(snapshot(&back), bytes, "cut at {cut}");
            for item in &log.items[cut..] {
                back.feed(item);
            }
            assert_eq!(back.alerts(), &whole[..], "cut at {cut}");
        }
    }

    #[test]
    fn another_layout_is_refused() {
        let mut bytes = snapshot(&Engine::new(cal()));
        let at = b"{\"format\":".len();
        assert_eq!(bytes[at], b'0' + u8::try_from(SNAPSHOT_FORMAT).unwrap());
        bytes[at] = b'9';
        assert!(matches!(
            Engine::from_snapshot(&bytes),
            Err(SnapshotError::Format(9))
        ));
        assert!(Engine::from_snapshot(b"{}").is_err());
    }

    use super::super::tests::MON;
}
