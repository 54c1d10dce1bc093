//! The public log explorer (`/ledger`, no sign-in): a jurisdiction's published checkpoint, its
//! witnesses and when each last cosigned, and the newest public entries.
//!
//! Everything shown is already public on the log endpoints; the page only puts it in one place.
//! The point is the 在浏览器中验证 button (static/app.js): the visitor's own browser hashes the
//! entry bytes and folds the inclusion proof up to the checkpoint's root, so nobody has to take
//! this page's word for it. Only the public envelope is read: private payloads never leave
//! `event_payloads`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use oneseal_domain::event::Envelope;
use oneseal_ledger::checkpoint::Checkpoint;
use oneseal_ledger::cosignature::{CosignatureVerifier, cosignature_time, select_cosignatures};
use oneseal_ledger::hash::hash_to_base64;
use oneseal_ledger::note::{Note, VerifierKey};
use oneseal_store::{Conn, StoreError, log};
use serde::Deserialize;

use super::{Nav, WebError, render};
use crate::AppState;
use crate::error::ApiError;
use crate::services::ledger::StoredCheckpoint;
use crate::services::ledger::WitnessInfo;

/// Entries per page of the explorer.
const PAGE: u64 = 20;
/// How many recent cosigned checkpoints are searched for a witness's latest cosignature.
const COSIGN_LOOKBACK: u64 = 50;
/// The city's bureau: shown when no jurisdiction is chosen.
pub const DEFAULT_JURISDICTION: &str = "370100";

/// One choice of the jurisdiction selector.
pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The published checkpoint as the page shows it.
struct Shown {
    size: u64,
    root: String,
    signed_at: String,
    /// Distinct configured witnesses whose cosignature on it verifies.
    cosigners: usize,
}

struct WitnessRow {
    name: String,
    key_name: String,
    last_cosigned: Option<String>,
}

struct EntryRow {
    index: u64,
    kind: String,
    time: String,
    subject: String,
    /// Covered by the published checkpoint, so a proof against it exists.
    provable: bool,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    nav: Nav,
    jurisdiction: String,
    choices: Vec<Choice>,
    checkpoint: Option<Shown>,
    witnesses: Vec<WitnessRow>,
    quorum: usize,
    /// The quorum is met by verified cosignatures (always true without witnesses).
    quorum_met: bool,
    entries: Vec<EntryRow>,
    head: u64,
    /// Entries logged after the published checkpoint: not listed until it covers them.
    pending: u64,
    older: Option<u64>,
    tamper: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct Form {
    j: Option<String>,
    /// Show entries below this index (paging back).
    before: Option<u64>,
    /// Demonstration: the browser changes one byte of the entry before hashing, to show what a
    /// failed verification looks like. The page says so; nothing on the server changes.
    tamper: Option<String>,
}

/// `2026-11-27 13:05:01` in China Standard Time.
pub fn beijing(unix: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.to_offset(time::macros::offset!(+8)).format(fmt).ok())
        .unwrap_or_default()
}

/// An entry's RFC 3339 UTC time in China Standard Time (as written when it does not parse).
fn local_time(rfc3339: &str) -> String {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .map_or_else(|_| rfc3339.to_owned(), |t| beijing(t.unix_timestamp()))
}

/// The jurisdictions that have a log, the chosen one marked.
pub fn choices(
    conn: &mut dyn Conn,
    logs: &[String],
    chosen: &str,
) -> Result<Vec<Choice>, StoreError> {
    Ok(crate::services::org::jurisdictions(conn)?
        .into_iter()
        .filter(|j| logs.contains(&j.code))
        .map(|j| Choice {
            selected: j.code == chosen,
            name: format!("{}（{}）", j.name_zh, j.code),
            code: j.code,
        })
        .collect())
}

/// The published checkpoint as served by `/log/<j>/checkpoint`, with its signing time; its
/// cosignatures are counted here again, by verifying each against the configured witness keys,
/// so the page never claims a quorum that lines which do not verify would make up.
fn shown(
    published: StoredCheckpoint,
    witnesses: &[CosignatureVerifier],
) -> Result<Shown, ApiError> {
    let signed_at = published.signed_at;
    let note = published.published();
    let note = Note::parse(note.as_bytes()).map_err(|e| ApiError::Internal(e.to_string()))?;
    let cp = Checkpoint::parse_text(note.text()).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Shown {
        size: cp.size(),
        root: hash_to_base64(cp.root()),
        signed_at: beijing(signed_at),
        cosigners: select_cosignatures(note.text(), witnesses, note.signatures()).len(),
    })
}

/// Each witness with the time of its newest cosignature among the recent cosigned checkpoints.
fn witness_rows(
    conn: &mut dyn Conn,
    j: &str,
    witnesses: &[WitnessInfo],
) -> Result<Vec<WitnessRow>, StoreError> {
    let notes = oneseal_store::checkpoints::recent_cosigned(conn, j, COSIGN_LOOKBACK)?;
    let parsed: Vec<Note> = notes
        .iter()
        .filter_map(|n| Note::parse(n.as_bytes()).ok())
        .collect();
    Ok(witnesses
        .iter()
        .map(|w| {
            let key = VerifierKey::parse(&w.vkey).ok();
            // Only a cosignature that verifies under the witness's key is its cosignature.
            let last = w.verifier().and_then(|v| {
                parsed
                    .iter()
                    .flat_map(|n| {
                        select_cosignatures(n.text(), std::slice::from_ref(&v), n.signatures())
                    })
                    .filter_map(|s| cosignature_time(&s))
                    .max()
            });
            WitnessRow {
                name: w.label.clone(),
                key_name: key.map(|k| k.name().to_owned()).unwrap_or_default(),
                last_cosigned: last.and_then(|t| i64::try_from(t).ok()).map(beijing),
            }
        })
        .collect())
}

/// The public envelope of an entry, as a table row; an entry that does not parse is still
/// listed (its bytes are what the log holds), with its kind left empty.
fn entry_row(index: u64, bytes: &[u8], provable: bool) -> EntryRow {
    let envelope: Option<Envelope> = serde_json::from_slice(bytes).ok();
    EntryRow {
        index,
        provable,
        kind: envelope
            .as_ref()
            .map(|e| e.kind.clone())
            .unwrap_or_default(),
        time: envelope
            .as_ref()
            .map(|e| local_time(&e.time))
            .unwrap_or_default(),
        subject: envelope
            .map(|e| {
                e.subject
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
    }
}

pub async fn ledger_page(
    State(state): State<AppState>,
    Query(f): Query<Form>,
) -> Result<Html<String>, WebError> {
    let j = f.j.unwrap_or_else(|| DEFAULT_JURISDICTION.to_owned());
    if !state.logs.keys.contains_key(&j) {
        return Err(ApiError::NotFound("log").into());
    }
    let logs: Vec<String> = state.logs.keys.keys().cloned().collect();
    let witnesses = state.logs.witnesses.clone();
    let publish = state.logs.publish();
    let jq = j.clone();
    let (choices, published, witnesses, head, entries) = state
        .store
        .read(move |c| {
            let (head, _) = log::read_head(c, &jq)?;
            let published = crate::services::ledger::published(c, &jq, publish)?;
            // Only what the published checkpoint covers is listed, as the log API serves.
            let size = published.as_ref().map_or(0, |p| p.size).min(head);
            let to = f.before.map_or(size, |b| b.min(size));
            let entries = log::entries(c, &jq, to.saturating_sub(PAGE), to)?;
            Ok::<_, StoreError>((
                choices(c, &logs, &jq)?,
                published,
                witness_rows(c, &jq, &witnesses)?,
                head,
                entries,
            ))
        })
        .await
        .map_err(ApiError::from)?;
    let verifiers = state.logs.witness_verifiers();
    let checkpoint = published.map(|p| shown(p, &verifiers)).transpose()?;
    let size = checkpoint.as_ref().map_or(0, |c| c.size);
    let required = state.logs.required_cosignatures();
    let quorum_met = checkpoint.as_ref().is_some_and(|c| c.cosigners >= required);
    let first = entries.first().map_or(0, |(i, _)| *i);
    let page = LedgerPage {
        nav: Nav::default(),
        jurisdiction: j,
        choices,
        checkpoint,
        witnesses,
        quorum: required,
        quorum_met,
        entries: entries
            .iter()
            .rev()
            .map(|(i, e)| entry_row(*i, e, *i < size))
            .collect(),
        head,
        pending: head.saturating_sub(size),
        older: (first > 0).then_some(first),
        tamper: f.tamper.is_some(),
    };
    render(&page)
}
