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
    /// What was checked of each log.
    pub checked: Vec<Checked>,
}

/// The stretch of one log a run checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub log: String,
    pub from: u64,
    pub to: u64,
    /// The largest signed checkpoint within `to` (0 when none): where an incremental run starts.
    pub checkpoint: u64,
}

/// A full run re-proves everything; an incremental one only what was appended since the signed
/// checkpoint the last clean run covered, and does not rebuild the projections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Full,
    Incremental,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Incremental => "incremental",
        }
    }
}

const PAGE: u64 = 4096;
/// Rows compared per round trip.
const ROWS: u32 = 500;

/// Verifies everything; `progress(log, done, total)` is called as entries are read.
pub fn verify(
    conn: &mut dyn Conn,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Report, StoreError> {
    run(conn, Mode::Full, progress)
}

/// Verifies in `mode`.
pub fn run(
    conn: &mut dyn Conn,
    mode: Mode,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let mut rebuilt = match mode {
        Mode::Full => {
            let mut scratch = SqliteConn::open_scratch()?;
            migrate::run(&mut scratch)?;
            Some(scratch)
        }
        Mode::Incremental => None,
    };
    for (log_name, size, root) in log::heads(conn)? {
        report.logs += 1;
        let checkpoints = oneseal_store::checkpoints::all(conn, &log_name)?;
        let start = match mode {
            Mode::Full => Start::empty(),
            Mode::Incremental => Start::last_clean(conn, &log_name, size, &checkpoints)?,
        };
        let checkpoints: Vec<_> = checkpoints
            .into_iter()
            .filter(|c| c.0 >= start.size)
            .collect();
        let signed: BTreeSet<u64> = checkpoints.iter().map(|c| c.0).collect();
        let head = Head {
            log: &log_name,
            size,
            root: &root,
            signed: &signed,
        };
        let from = start.size;
        report.entries += size.saturating_sub(from);
        let roots = verify_log(
            conn,
            rebuilt.as_mut(),
            &head,
            start,
            &mut report.findings,
            progress,
        )?;
        report.checkpoints +=
            verify_checkpoints(conn, &log_name, &checkpoints, &roots, &mut report.findings)?;
        report.checked.push(Checked {
            log: log_name.clone(),
            from,
            to: size,
            checkpoint: signed.range(..=size).next_back().copied().unwrap_or(0),
        });
    }
    if let Some(rebuilt) = rebuilt.as_mut() {
        for p in PROJECTED_TABLES {
            report.rows += compare_table(conn, rebuilt, p, &mut report.findings)?;
        }
        // The step counters are timed with the calendar, which the replay rebuilt too: a fold
        // of the replayed cases with it is what the increments must have summed to.
        let calendar = oneseal_store::calendar::stored(rebuilt)?;
        oneseal_store::aggregates::rebuild(rebuilt, &calendar)?;
        for p in [
            &oneseal_store::projection::CASE_TALLIES,
            &oneseal_store::projection::CASE_TALLIES_MONTHLY,
        ] {
            report.rows += compare_table(conn, rebuilt, p, &mut report.findings)?;
        }
        // The open cases' projected due dates, likewise from the replayed events and calendar.
        oneseal_store::case_due::rebuild(rebuilt, &calendar)?;
        report.rows += compare_table(
            conn,
            rebuilt,
            &oneseal_store::projection::CASE_DUE,
            &mut report.findings,
        )?;
    }
    // The name index is derived from `cases` (compared above) in the same transaction; what is
    // left to prove is that the index agrees with those rows.
    if let Some(why) = oneseal_store::audit::name_index_problem(conn)? {
        report.findings.push(Finding::Row {
            table: "case_names".into(),
            key: "*".into(),
            column: "applicant_name".into(),
            expected: "an index of cases.applicant_name".into(),
            found: why,
        });
    }
    Ok(report)
}

/// Records what `report` checked, one row per log, so the next incremental run knows where to
/// start (a run with findings is never a starting point).
pub fn record(
    conn: &mut dyn Conn,
    report: &Report,
    mode: Mode,
    checked_at: &str,
) -> Result<(), StoreError> {
    for c in &report.checked {
        oneseal_store::audit::record_audit(
            conn,
            &oneseal_store::audit::AuditRecord {
                log: c.log.clone(),
                checked_at: checked_at.to_owned(),
                mode: mode.as_str().to_owned(),
                from_size: c.from,
                to_size: c.to,
                checkpoint_size: c.checkpoint,
                findings: report.findings.len() as u64,
            },
        )?;
    }
    Ok(())
}

/// Where a log's check starts: the empty tree, or the frontier at a signed checkpoint.
struct Start {
    size: u64,
    frontier: Frontier,
    /// The root the stored nodes give at `size` (checked against the checkpoint signed there).
    root: Option<Hash>,
}

impl Start {
    fn empty() -> Self {
        Self {
            size: 0,
            frontier: Frontier::empty(),
            root: None,
        }
    }

    /// The checkpoint the last run covered, if that run found nothing and the log still holds
    /// it; else the empty tree (the whole log is checked again).
    fn last_clean(
        conn: &mut dyn Conn,
        log_name: &str,
        size: u64,
        checkpoints: &[(u64, Hash, String)],
    ) -> Result<Self, StoreError> {
        let last = oneseal_store::audit::audits(conn, log_name, 1)?;
        let Some(at) = last
            .first()
            .filter(|a| a.findings == 0)
            .map(|a| a.checkpoint_size)
            .filter(|&at| at > 0 && at <= size && checkpoints.iter().any(|c| c.0 == at))
        else {
            return Ok(Self::empty());
        };
        let ids = Frontier::ids_for(at);
        // Missing or unreadable nodes: start over, and the full tree check will name them.
        let Ok(hashes) = log::read_nodes(conn, log_name, &ids) else {
            return Ok(Self::empty());
        };
        let Ok(frontier) = Frontier::from_nodes(at, &hashes) else {
            return Ok(Self::empty());
        };
        Ok(Self {
            size: at,
            root: Some(frontier.root()),
            frontier,
        })
    }
}

/// A log as its head row gives it, and the sizes its checkpoints signed.
struct Head<'a> {
    log: &'a str,
    size: u64,
    root: &'a Hash,
    signed: &'a BTreeSet<u64>,
}

/// Recomputes one log page by page from `start`; replays its events into `rebuilt` (a full run)
/// or only opens their payloads; returns the root at every size a checkpoint signed.
fn verify_log(
    conn: &mut dyn Conn,
    mut rebuilt: Option<&mut SqliteConn>,
    head: &Head<'_>,
    start: Start,
    findings: &mut Vec<Finding>,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<BTreeMap<u64, Hash>, StoreError> {
    let (log_name, size) = (head.log, head.size);
    let tree = |what: String| Finding::Tree {
        log: log_name.to_owned(),
        what,
    };
    let jurisdiction = DivisionCode::parse(log_name).ok();
    let mut frontier = start.frontier;
    let mut roots = BTreeMap::new();
    if let Some(root) = start.root {
        roots.insert(start.size, root);
    }
    let mut next = start.size;
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
        if let Some(r) = rebuilt.as_deref_mut() {
            r.batch("BEGIN")?;
        }
        for r in rows {
            let idx = r.idx;
            if idx != next {
                findings.push(tree(format!(
                    "entry {next} is missing (next stored is {idx})"
                )));
                if let Some(r) = rebuilt.as_deref_mut() {
                    r.batch("COMMIT")?;
                }
                compare_nodes(conn, log_name, (from, next), &computed, findings)?;
                break 'pages;
            }
            computed.extend(frontier.push(leaf_hash(&r.entry)));
            next += 1;
            if head.signed.contains(&next) {
                roots.insert(next, frontier.root());
            }
            replay(
                rebuilt.as_deref_mut(),
                log_name,
                jurisdiction.as_ref(),
                r,
                findings,
            )?;
        }
        if let Some(r) = rebuilt.as_deref_mut() {
            r.batch("COMMIT")?;
        }
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

/// Opens an entry's private payload against its commitment and, in a full run, applies the
/// event to the rebuilt tables.
fn replay(
    rebuilt: Option<&mut SqliteConn>,
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
            let Some(rebuilt) = rebuilt else {
                return Ok(());
            };
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

/// Whether a stored value is what the replay wrote: equal, or, where either is packed
/// (`case_events.body`, migration 59), the same bytes once unpacked, so that a row packed with
/// another dictionary set, or written plain, still compares by what it holds.
fn same(expected: Option<&Value>, found: Option<&Value>) -> bool {
    use oneseal_store::codec;
    if expected == found {
        return true;
    }
    let packed = |v: Option<&Value>| matches!(v, Some(Value::Blob(b)) if codec::is_packed(b));
    if !packed(expected) && !packed(found) {
        return false;
    }
    let open = |v: Option<&Value>| match v {
        Some(Value::Blob(b)) => codec::open_row(b).ok(),
        Some(Value::Text(t)) => Some(t.clone().into_bytes()),
        _ => None,
    };
    matches!((open(expected), open(found)), (Some(a), Some(b)) if a == b)
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

/// Projected columns whose values a finding must not print.
const PERSONAL_COLUMNS: &[&str] = &["applicant_name", "applicant_id"];

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
                        if same(exp.columns.get(i), found.get(i)) {
                            continue;
                        }
                        if PERSONAL_COLUMNS.contains(column) {
                            // Applicants' names and ID numbers stay out of verify's output.
                            let hidden = Value::Text("(personal data)".into());
                            findings.push(row(
                                &key,
                                column,
                                Some(&hidden),
                                Some(&Value::Text("(personal data, different)".into())),
                            ));
                        } else {
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
