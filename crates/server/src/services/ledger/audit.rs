//! `oneseal ledger verify`: proves the database against its own log.
//!
//! 1. Every log's tree is recomputed from the stored entry bytes and compared, node by node, with
//!    the stored hashes and the head.
//! 2. Every stored checkpoint must carry valid signatures of the log's keys and commit to the
//!    recomputed root at its size.
//! 3. Every private payload must open against its entry's salted commitment.
//! 4. The projection tables are rebuilt from the events in an empty in-memory database and compared
//!    row by row with the real ones: a row edited, added or deleted behind the system's back is
//!    reported with its table, key, column, expected and found values.

use std::collections::BTreeMap;
use std::fmt;

use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;
use oneseal_ledger::checkpoint::open_checkpoint;
use oneseal_ledger::hash::hash_to_base64;
use oneseal_ledger::note::{NoteVerifier, VerifierKey};
use oneseal_ledger::{Frontier, Hash, NodeId, leaf_hash};
use oneseal_seal::SealPublicKey;
use oneseal_store::audit::StoredEntry;
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

/// Verifies everything; `progress(log, done, total)` is called as entries are read.
pub fn verify(
    conn: &mut dyn Conn,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let mut rebuilt = SqliteConn::open_in_memory()?;
    migrate::run(&mut rebuilt)?;
    for (log_name, size, root) in log::heads(conn)? {
        report.logs += 1;
        report.entries += size;
        let roots = verify_log(
            conn,
            &mut rebuilt,
            &log_name,
            size,
            &root,
            &mut report.findings,
            progress,
        )?;
        report.checkpoints += verify_checkpoints(conn, &log_name, &roots, &mut report.findings)?;
    }
    for p in PROJECTED_TABLES {
        report.rows += compare_table(conn, &mut rebuilt, p, &mut report.findings)?;
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

/// Recomputes one log; replays its events into `rebuilt`; returns the root at every size.
fn verify_log(
    conn: &mut dyn Conn,
    rebuilt: &mut dyn Conn,
    log_name: &str,
    size: u64,
    head_root: &Hash,
    findings: &mut Vec<Finding>,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> Result<BTreeMap<u64, Hash>, StoreError> {
    let tree = |what: String| Finding::Tree {
        log: log_name.to_owned(),
        what,
    };
    let jurisdiction = DivisionCode::parse(log_name).ok();
    let mut frontier = Frontier::empty();
    let mut computed: Vec<(NodeId, Hash)> = Vec::new();
    let mut roots = BTreeMap::new();
    let mut next = 0u64;
    while next < size {
        let (lo, hi) =
            oneseal_store::log::entry_keys(conn, log_name, next, (next + PAGE).min(size))?;
        let rows = oneseal_store::audit::entries(conn, lo, hi)?;
        if rows.is_empty() {
            findings.push(tree(format!("entries from {next} to {size} are missing")));
            break;
        }
        for r in rows {
            let idx = r.idx;
            if idx != next {
                findings.push(tree(format!(
                    "entry {next} is missing (next stored is {idx})"
                )));
                return Ok(roots);
            }
            computed.extend(frontier.push(leaf_hash(&r.entry)));
            next += 1;
            roots.insert(next, frontier.root());
            replay(rebuilt, log_name, jurisdiction.as_ref(), r, findings)?;
        }
        progress(log_name, next, size);
    }
    if frontier.root() != *head_root {
        findings.push(tree(format!(
            "head root {} differs from the root recomputed from the entries {}",
            hash_to_base64(head_root),
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
    compare_nodes(conn, log_name, computed, findings)?;
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

fn compare_nodes(
    conn: &mut dyn Conn,
    log_name: &str,
    mut computed: Vec<(NodeId, Hash)>,
    findings: &mut Vec<Finding>,
) -> Result<(), StoreError> {
    computed.sort_by_key(|(id, _)| (id.level, id.index));
    let (lo, hi) = oneseal_store::log::node_keys(conn, log_name)?;
    let mut stored_map = BTreeMap::new();
    for (level, idx, hash) in oneseal_store::audit::nodes(conn, lo, hi)? {
        stored_map.insert((level, idx), hash);
    }
    for (id, hash) in &computed {
        let key = (i64::from(id.level), id.index);
        match stored_map.remove(&key) {
            Some(h) if h.as_slice() == hash.as_slice() => {}
            Some(_) => findings.push(Finding::Tree {
                log: log_name.to_owned(),
                what: format!(
                    "stored node level {} index {} differs from the recomputed one",
                    id.level, id.index
                ),
            }),
            None => findings.push(Finding::Tree {
                log: log_name.to_owned(),
                what: format!("node level {} index {} is missing", id.level, id.index),
            }),
        }
    }
    for (level, idx) in stored_map.keys() {
        findings.push(Finding::Tree {
            log: log_name.to_owned(),
            what: format!("stored node level {level} index {idx} is not part of the tree"),
        });
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
    roots: &BTreeMap<u64, Hash>,
    findings: &mut Vec<Finding>,
) -> Result<usize, StoreError> {
    let rows = oneseal_store::checkpoints::all(conn, log_name)?;
    for (size, root, note) in &rows {
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

fn table_rows(
    conn: &mut dyn Conn,
    p: &Projected,
) -> Result<BTreeMap<String, Vec<Value>>, StoreError> {
    let mut out = BTreeMap::new();
    for row in oneseal_store::audit::projected_rows(conn, p)? {
        let key = row
            .key
            .iter()
            .map(|v| show(Some(v)))
            .collect::<Vec<_>>()
            .join(", ");
        out.insert(key, row.columns);
    }
    Ok(out)
}

/// Projected columns whose values a finding must not print.
const PERSONAL_COLUMNS: &[&str] = &["applicant_name", "applicant_id"];

/// Compares one projection table with its rebuilt twin; returns the number of rows compared.
fn compare_table(
    conn: &mut dyn Conn,
    rebuilt: &mut dyn Conn,
    p: &Projected,
    findings: &mut Vec<Finding>,
) -> Result<usize, StoreError> {
    let actual = table_rows(conn, p)?;
    let expected = table_rows(rebuilt, p)?;
    let row = |key: &str, column: &str, e: Option<&Value>, f: Option<&Value>| Finding::Row {
        table: p.table.to_owned(),
        key: key.to_owned(),
        column: column.to_owned(),
        expected: show(e),
        found: show(f),
    };
    for (key, exp) in &expected {
        match actual.get(key) {
            None => findings.push(row(key, "*", Some(&Value::Text("a row".into())), None)),
            Some(found) => {
                for (i, column) in p.columns.iter().enumerate() {
                    if exp.get(i) == found.get(i) {
                        continue;
                    }
                    if PERSONAL_COLUMNS.contains(column) {
                        // Applicants' names and ID numbers stay out of verify's output.
                        let hidden = Value::Text("(personal data)".into());
                        findings.push(row(
                            key,
                            column,
                            Some(&hidden),
                            Some(&Value::Text("(personal data, different)".into())),
                        ));
                    } else {
                        findings.push(row(key, column, exp.get(i), found.get(i)));
                    }
                }
            }
        }
    }
    for key in actual.keys().filter(|k| !expected.contains_key(*k)) {
        findings.push(row(
            key,
            "*",
            None,
            Some(&Value::Text("a row no event explains".into())),
        ));
    }
    Ok(actual.len())
}
