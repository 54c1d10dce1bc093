//! `oneseal ledger verify`: proves the database against its own log.
//!
//! 1. Every log's tree is recomputed from the stored entry bytes and compared, node by node, with
//!    the stored hashes and the head.
//! 2. Every stored checkpoint must carry valid signatures of the log's keys and commit to the
//!    recomputed root at its size.
//! 3. Every private payload must open against its entry's salted commitment.
//! 4. The projection tables are rebuilt from the events in an empty scratch database and compared
//!    row by row with the real ones: a row edited, added or deleted behind the system's back is
//!    reported with its table, key, column, expected and found values.
//!
//! Memory stays bounded whatever the log's length: entries, tree nodes and table rows are read a
//! page at a time, the rebuilt tables live in a SQLite file that is deleted on close, and roots
//! are kept only at the sizes a checkpoint signed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;
use oneseal_ledger::checkpoint::open_checkpoint;
use oneseal_ledger::hash::hash_to_base64;
use oneseal_ledger::note::{NoteVerifier, VerifierKey};
use oneseal_ledger::{Frontier, Hash, NodeId, leaf_hash};
use oneseal_seal::SealPublicKey;
use oneseal_store::audit::{
    ProjectedRow, StoredEntry, count_projected, projected_by_keys, projected_page,
};
use oneseal_store::projection::{PROJECTED_TABLES, Projected, apply};
use oneseal_store::{Conn, SqliteConn, StoreError, Value, log, migrate};

use super::keys::Sm2NoteVerifier;

/// One thing that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Tree {
        log: String,
        what: String,
    },
    Checkpoint {
        log: String,
        size: u64,
        what: String,
    },
    Payload {
        log: String,
        index: u64,
        what: String,
    },
    Row {
        table: String,
        key: String,
        column: String,
        expected: String,
        found: String,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Tree { log, what } => write!(f, "log {log}: tree: {what}"),
            Finding::Checkpoint { log, size, what } => {
                write!(f, "log {log}: checkpoint {size}: {what}")
            }
            Finding::Payload { log, index, what } => write!(f, "log {log}: entry {index}: {what}"),
            Finding::Row {
                table,
                key,
                column,
                expected,
                found,
            } => write!(
                f,
                "table {table}, key ({key}), column {column}: expected {expected}, found {found}"
            ),
        }
    }
}

/// What `verify` looked at, for the summary line.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub logs: usize,
    pub entries: u64,
    pub checkpoints: usize,
    pub rows: usize,
    pub findings: Vec<Finding>,
}

const PAGE: u64 = 4096;
/// Rows compared per round trip.
const ROWS: u32 = 500;

/// Verifies everything; `progress(log, done, total)` is called as entries are read.
pub fn verify(
    conn: &mut dyn Conn,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let mut rebuilt = SqliteConn::open_scratch()?;
    migrate::run(&mut rebuilt)?;
    for (log_name, size, root) in log::heads(conn)? {
        report.logs += 1;
        report.entries += size;
        let checkpoints = oneseal_store::checkpoints::all(conn, &log_name)?;
        let signed: BTreeSet<u64> = checkpoints.iter().map(|c| c.0).collect();
        let head = Head {
            log: &log_name,
            size,
            root: &root,
            signed: &signed,
        };
        let roots = verify_log(conn, &mut rebuilt, &head, &mut report.findings, progress)?;
        report.checkpoints +=
            verify_checkpoints(conn, &log_name, &checkpoints, &roots, &mut report.findings)?;
    }
    for p in PROJECTED_TABLES {
        report.rows += compare_table(conn, &mut rebuilt, p, &mut report.findings)?;
    }
    Ok(report)
}

/// A log as its head row gives it, and the sizes its checkpoints signed.
struct Head<'a> {
    log: &'a str,
    size: u64,
    root: &'a Hash,
    signed: &'a BTreeSet<u64>,
}

/// Recomputes one log page by page; replays its events into `rebuilt`; returns the root at every
/// size a checkpoint signed.
fn verify_log(
    conn: &mut dyn Conn,
    rebuilt: &mut dyn Conn,
    head: &Head<'_>,
    findings: &mut Vec<Finding>,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<BTreeMap<u64, Hash>, StoreError> {
    let (log_name, size) = (head.log, head.size);
    let tree = |what: String| Finding::Tree {
        log: log_name.to_owned(),
        what,
    };
    let jurisdiction = DivisionCode::parse(log_name).ok();
    let mut frontier = Frontier::empty();
    let mut roots = BTreeMap::new();
    let mut next = 0u64;
    'pages: while next < size {
        let (lo, hi) =
            oneseal_store::log::entry_keys(conn, log_name, next, (next + PAGE).min(size))?;
        let rows = oneseal_store::audit::entries(conn, lo, hi)?;
        if rows.is_empty() {
            findings.push(tree(format!("entries from {next} to {size} are missing")));
            break;
        }
        let from = next;
        let mut computed: Vec<(NodeId, Hash)> = Vec::new();
        // One transaction per page: the scratch database need not sync each event.
        rebuilt.batch("BEGIN")?;
        for r in rows {
            let idx = r.idx;
            if idx != next {
                findings.push(tree(format!(
                    "entry {next} is missing (next stored is {idx})"
                )));
                rebuilt.batch("COMMIT")?;
                compare_nodes(conn, log_name, (from, next), &computed, findings)?;
                break 'pages;
            }
            computed.extend(frontier.push(leaf_hash(&r.entry)));
            next += 1;
            if head.signed.contains(&next) {
                roots.insert(next, frontier.root());
            }
            replay(rebuilt, log_name, jurisdiction.as_ref(), r, findings)?;
        }
        rebuilt.batch("COMMIT")?;
        compare_nodes(conn, log_name, (from, next), &computed, findings)?;
        progress(log_name, next, size);
    }
    if frontier.root() != *head.root {
        findings.push(tree(format!(
            "head root {} differs from the root recomputed from the entries {}",
            hash_to_base64(head.root),
            hash_to_base64(&frontier.root())
        )));
    }
    let (lo, hi) =
        oneseal_store::log::entry_keys(conn, log_name, size, oneseal_store::log::MAX_LOG_SIZE)?;
    let extra = oneseal_store::audit::count_entries(conn, lo, hi)?;
    if extra > 0 {
        findings.push(tree(format!(
            "{extra} entries stored beyond the head size {size}"
        )));
    }
    let (lo, hi) = oneseal_store::log::node_keys_grown(
        conn,
        log_name,
        size,
        oneseal_store::log::MAX_LOG_SIZE,
    )?;
    let stray = oneseal_store::audit::count_nodes(conn, lo, hi)?;
    if stray > 0 {
        findings.push(tree(format!(
            "{stray} stored nodes lie beyond the head size {size}"
        )));
    }
    Ok(roots)
}

fn replay(
    rebuilt: &mut dyn Conn,
    log_name: &str,
    jurisdiction: Option<&DivisionCode>,
    stored: StoredEntry,
    findings: &mut Vec<Finding>,
) -> Result<(), StoreError> {
    let payload = |what: String| Finding::Payload {
        log: log_name.to_owned(),
        index: stored.idx,
        what,
    };
    let (Some(j), Some(salt), Some(body)) = (jurisdiction, &stored.salt, &stored.body) else {
        findings.push(payload("private payload is missing".into()));
        return Ok(());
    };
    match Event::open(&stored.entry, salt, body) {
        Ok((_, event)) => {
            if let Err(e) = apply(rebuilt, j, &event) {
                findings.push(payload(format!(
                    "event does not apply to the rebuilt tables: {e}"
                )));
            }
        }
        Err(e) => findings.push(payload(format!(
            "payload does not open against the entry: {e}"
        ))),
    }
    Ok(())
}

/// Compares the nodes the entries `from..to` completed (in the frontier's order, which is the
/// stored key order) with the nodes stored for that stretch.
fn compare_nodes(
    conn: &mut dyn Conn,
    log_name: &str,
    (from, to): (u64, u64),
    computed: &[(NodeId, Hash)],
    findings: &mut Vec<Finding>,
) -> Result<(), StoreError> {
    let (lo, hi) = oneseal_store::log::node_keys_grown(conn, log_name, from, to)?;
    let mut stored: BTreeMap<(i64, u64), Vec<u8>> = BTreeMap::new();
    for (level, idx, hash) in oneseal_store::audit::nodes(conn, lo, hi)? {
        stored.insert((level, idx), hash);
    }
    let tree = |what: String| Finding::Tree {
        log: log_name.to_owned(),
        what,
    };
    for (id, hash) in computed {
        match stored.remove(&(i64::from(id.level), id.index)) {
            Some(h) if h.as_slice() == hash.as_slice() => {}
            Some(_) => findings.push(tree(format!(
                "stored node level {} index {} differs from the recomputed one",
                id.level, id.index
            ))),
            None => findings.push(tree(format!(
                "node level {} index {} is missing",
                id.level, id.index
            ))),
        }
    }
    for (level, idx) in stored.keys() {
        findings.push(tree(format!(
            "stored node level {level} index {idx} is not part of the tree"
        )));
    }
    Ok(())
}

/// The log's verifiers from the public halves in the `keys` table.
fn log_verifiers(
    conn: &mut dyn Conn,
    log_name: &str,
    origin: &str,
) -> Result<Vec<Box<dyn NoteVerifier>>, StoreError> {
    let mut out: Vec<Box<dyn NoteVerifier>> = Vec::new();
    let ed = oneseal_store::keys::public(conn, &format!("log-ed25519:{log_name}"))?;
    if let Some(v) = ed.and_then(|t| VerifierKey::parse(&t).and_then(|k| k.verifier()).ok()) {
        out.push(v);
    }
    let sm2 = oneseal_store::keys::public(conn, &format!("log-sm2:{log_name}"))?;
    if let Some(pk) = sm2.and_then(|t| SealPublicKey::from_pem(&t).ok()) {
        out.push(Box::new(Sm2NoteVerifier::new(origin, pk)));
    }
    Ok(out)
}

fn verify_checkpoints(
    conn: &mut dyn Conn,
    log_name: &str,
    rows: &[(u64, Hash, String)],
    roots: &BTreeMap<u64, Hash>,
    findings: &mut Vec<Finding>,
) -> Result<usize, StoreError> {
    for (size, root, note) in rows {
        let (size, root) = (*size, *root);
        let bad = |what: String| Finding::Checkpoint {
            log: log_name.to_owned(),
            size,
            what,
        };
        let origin = note.lines().next().unwrap_or_default().to_owned();
        let verifiers = log_verifiers(conn, log_name, &origin)?;
        let refs: Vec<&dyn NoteVerifier> = verifiers.iter().map(AsRef::as_ref).collect();
        match open_checkpoint(note.as_bytes(), &refs) {
            Ok(opened) => {
                if opened.note.verified.len() < verifiers.len() {
                    findings.push(bad(format!(
                        "signed by {} of the log's {} keys",
                        opened.note.verified.len(),
                        verifiers.len()
                    )));
                }
                if opened.checkpoint.size() != size || *opened.checkpoint.root() != root {
                    findings.push(bad("the note does not match its row".into()));
                }
            }
            Err(e) => findings.push(bad(format!("signature check failed: {e}"))),
        }
        match roots.get(&size) {
            Some(r) if *r == root => {}
            Some(r) => findings.push(bad(format!(
                "signed root {} but the entries give {}",
                hash_to_base64(&root),
                hash_to_base64(r)
            ))),
            None => findings.push(bad(
                "the log is shorter than this signed checkpoint (rolled back?)".into(),
            )),
        }
    }
    Ok(rows.len())
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(no row)".into(),
        Some(Value::Null) => "NULL".into(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Real(r)) => r.to_string(),
        Some(Value::Text(t)) if t.chars().count() > 80 => {
            format!("{:?}…", t.chars().take(80).collect::<String>())
        }
        Some(Value::Text(t)) => format!("{t:?}"),
        Some(Value::Blob(b)) => format!("0x{}", hex::encode(b)),
    }
}

fn key_text(key: &[Value]) -> String {
    key.iter()
        .map(|v| show(Some(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn by_key(rows: Vec<ProjectedRow>) -> BTreeMap<String, Vec<Value>> {
    rows.into_iter()
        .map(|r| (key_text(&r.key), r.columns))
        .collect()
}

/// Compares one projection table with its rebuilt twin a page at a time; returns the number of
/// rows compared.
fn compare_table(
    conn: &mut dyn Conn,
    rebuilt: &mut dyn Conn,
    p: &Projected,
    findings: &mut Vec<Finding>,
) -> Result<usize, StoreError> {
    let row = |key: &str, column: &str, e: Option<&Value>, f: Option<&Value>| Finding::Row {
        table: p.table.to_owned(),
        key: key.to_owned(),
        column: column.to_owned(),
        expected: show(e),
        found: show(f),
    };
    let mut matched = 0u64;
    let mut after: Option<Vec<Value>> = None;
    loop {
        let page = projected_page(rebuilt, p, after.as_deref(), ROWS)?;
        let Some(last) = page.last() else { break };
        after = Some(last.key.clone());
        let keys: Vec<Vec<Value>> = page.iter().map(|r| r.key.clone()).collect();
        let actual = by_key(projected_by_keys(conn, p, &keys)?);
        for exp in &page {
            let key = key_text(&exp.key);
            match actual.get(&key) {
                None => findings.push(row(&key, "*", Some(&Value::Text("a row".into())), None)),
                Some(found) => {
                    matched += 1;
                    for (i, column) in p.columns.iter().enumerate() {
                        if exp.columns.get(i) != found.get(i) {
                            findings.push(row(&key, column, exp.columns.get(i), found.get(i)));
                        }
                    }
                }
            }
        }
    }
    let total = count_projected(conn, p)?;
    if total > matched {
        // Rows no event explains: walk the real table for them (only when the counts differ).
        let mut after: Option<Vec<Value>> = None;
        loop {
            let page = projected_page(conn, p, after.as_deref(), ROWS)?;
            let Some(last) = page.last() else { break };
            after = Some(last.key.clone());
            let keys: Vec<Vec<Value>> = page.iter().map(|r| r.key.clone()).collect();
            let known = by_key(projected_by_keys(rebuilt, p, &keys)?);
            for r in &page {
                let key = key_text(&r.key);
                if !known.contains_key(&key) {
                    findings.push(row(
                        &key,
                        "*",
                        None,
                        Some(&Value::Text("a row no event explains".into())),
                    ));
                }
            }
        }
    }
    Ok(usize::try_from(total).unwrap_or(usize::MAX))
}
