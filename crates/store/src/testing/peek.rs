//! Tables read as they lie on disk, for tests that check what is stored (and what is not):
//! raw columns, no decoding beyond the column's type, except that packed ledger values
//! (`codec`) are unpacked: a test looking for a secret in them must see their bytes, not the
//! compressed ones.

use crate::codec::{Part, open};
use crate::sql::Conn;
use crate::{StoreError, params};

/// The kinds of the ledger entries of one kind, in any log (one string per entry).
pub fn entries_of_kind(conn: &mut dyn Conn, kind: &str) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT kind FROM ledger_entries WHERE kind = ?",
        params![kind],
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// Every public ledger entry of every log, as stored.
pub fn all_entries(conn: &mut dyn Conn) -> Result<Vec<Vec<u8>>, StoreError> {
    conn.query("SELECT entry FROM ledger_entries", &[])?
        .iter()
        .map(|r| open(conn, &r.blob(0)?, Part::Entry))
        .collect()
}

/// Every private payload (`body`) stored beside a ledger entry.
pub fn all_bodies(conn: &mut dyn Conn) -> Result<Vec<Vec<u8>>, StoreError> {
    conn.query(
        "SELECT body FROM ledger_entries WHERE body IS NOT NULL",
        &[],
    )?
    .iter()
    .map(|r| open(conn, &r.blob(0)?, Part::Body))
    .collect()
}

/// The first entry of `kind` in `log`: its index and its private payload.
pub fn first_body_of_kind(
    conn: &mut dyn Conn,
    log: &str,
    kind: &str,
) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    conn.query_one(
        "SELECT idx, body FROM ledger_entries WHERE log = ? AND kind = ?",
        params![log, kind],
    )?
    .map(|r| Ok((r.u64(0)?, open(conn, &r.blob(1)?, Part::Body)?)))
    .transpose()
}

/// How many pushes the linkage refused to hand out, summed over every refusal row.
pub fn linkage_refusal_attempts(conn: &mut dyn Conn) -> Result<i64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT CAST(COALESCE(SUM(attempts), 0) AS BIGINT) FROM linkage_refusals",
            &[],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// One row of `staff_postings`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub department: String,
    pub since: String,
    pub until: Option<String>,
}

/// A staff member's postings, oldest first.
pub fn staff_postings(conn: &mut dyn Conn, staff_id: &str) -> Result<Vec<Posting>, StoreError> {
    conn.query(
        "SELECT department, since, until FROM staff_postings WHERE staff_id = ? ORDER BY seq",
        params![staff_id],
    )?
    .iter()
    .map(|r| {
        Ok(Posting {
            department: r.text(0)?,
            since: r.text(1)?,
            until: r.opt_text(2)?,
        })
    })
    .collect()
}

/// Every staff member's name.
pub fn staff_names(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    conn.query("SELECT name FROM staff", &[])?
        .iter()
        .map(|r| r.text(0))
        .collect()
}

/// The stored secret of the first webhook, as the table holds it.
pub fn webhook_secret(conn: &mut dyn Conn) -> Result<Option<String>, StoreError> {
    conn.query_one("SELECT secret FROM webhooks", &[])?
        .map(|r| r.text(0))
        .transpose()
}

/// The private history of a licence: each event's body (JSON text), oldest first.
pub fn licence_event_bodies(
    conn: &mut dyn Conn,
    licence_id: &str,
) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT body FROM licence_events WHERE licence_id = ? ORDER BY seq",
        params![licence_id],
    )?
    .iter()
    .map(|r| r.text(0))
    .collect()
}

/// One row of `sealed_documents`.
#[derive(Debug, Clone)]
pub struct SealedDocument {
    pub case_number: String,
    pub document_kind: String,
    /// Hex SM3 of the decoded document.
    pub document_sm3: String,
    /// The document, base64.
    pub document: String,
}

/// Every sealed document, by case number and kind.
pub fn sealed_documents(conn: &mut dyn Conn) -> Result<Vec<SealedDocument>, StoreError> {
    let numbers: Vec<String> = conn
        .query(
            "SELECT DISTINCT case_number FROM sealed_documents ORDER BY case_number",
            &[],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for number in numbers {
        let mut docs = crate::seals::case_documents(conn, &number)?;
        docs.sort_by(|a, b| a.document_kind.cmp(&b.document_kind));
        out.extend(docs.into_iter().map(|d| SealedDocument {
            case_number: number.clone(),
            document_kind: d.document_kind,
            document_sm3: d.document_sm3,
            document: d.document_b64,
        }));
    }
    Ok(out)
}

/// The text columns a reader of the data directory (or a backup) without the master key sees
/// of cases: every case event's body, every query-code hash, every sealed document.
pub fn case_texts_at_rest(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    // Packed bodies are no secret: anyone can unpack them, so they are read unpacked.
    for r in conn.query("SELECT body FROM case_events", &[])? {
        out.push(crate::case_rows::event_text_at(&r, 0)?);
    }
    for r in conn.query("SELECT query_code_hash FROM cases", &[])? {
        out.push(r.text(0)?);
    }
    out.extend(sealed_documents(conn)?.into_iter().map(|d| d.document));
    Ok(out)
}

/// What a generated history's cases came to, one line per row, in a fixed order: the cases
/// (without their query-code key, which is secret and per database), each case's events (their
/// bodies as stored: the receipt's query-code key is the caller's to strip), the licences, the
/// pushes and the ratings. Two histories from one seed must give the same lines.
pub fn history_contents(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for r in conn.query(
        "SELECT case_number, jurisdiction, item_code, status, received_on, applicant_label, closed, events \
         FROM cases ORDER BY case_number",
        &[],
    )? {
        out.push(format!(
            "case {} {} {} {} {} {} {} {}",
            r.text(0)?,
            r.text(1)?,
            r.text(2)?,
            r.int(3)?,
            r.text(4)?,
            r.text(5)?,
            r.int(6)?,
            r.int(7)?
        ));
    }
    for r in conn.query(
        "SELECT case_number, seq, kind, body FROM case_events ORDER BY case_number, seq",
        &[],
    )? {
        out.push(format!(
            "event {} {} {} {}",
            r.text(0)?,
            r.int(1)?,
            r.text(2)?,
            crate::case_rows::event_text_at(&r, 3)?
        ));
    }
    for r in conn.query(
        "SELECT licence_id, jurisdiction, status, version FROM licences ORDER BY licence_id",
        &[],
    )? {
        out.push(format!(
            "licence {} {} {} {}",
            r.text(0)?,
            r.text(1)?,
            r.text(2)?,
            r.int(3)?
        ));
    }
    for r in conn.query(
        "SELECT push_id, case_number, status, claimed_on FROM pushes ORDER BY push_id",
        &[],
    )? {
        out.push(format!(
            "push {} {} {} {}",
            r.text(0)?,
            r.opt_text(1)?.unwrap_or_default(),
            r.text(2)?,
            r.opt_text(3)?.unwrap_or_default()
        ));
    }
    for r in conn.query(
        "SELECT case_number, level, rated_on FROM ratings ORDER BY case_number",
        &[],
    )? {
        out.push(format!(
            "rating {} {} {}",
            r.text(0)?,
            r.text(1)?,
            r.text(2)?
        ));
    }
    Ok(out)
}

/// The projected due date of an open case (`case_due`): `(due_on, provisional)`, `None` when
/// the case has no row.
pub fn case_due(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<(Option<String>, bool)>, StoreError> {
    conn.query_one(
        "SELECT due_on, provisional FROM case_due WHERE case_number = ?",
        params![case_number],
    )?
    .map(|r| Ok((r.opt_text(0)?, r.int(1)? != 0)))
    .transpose()
}

/// Every text of the applicants' sign-in tables (codes and sessions), to show that neither a
/// phone number nor a code is kept in clear.
pub fn applicant_sign_in_texts(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for r in conn.query("SELECT subject, code_hash FROM applicant_codes", &[])? {
        out.push(r.text(0)?);
        out.push(r.text(1)?);
    }
    for r in conn.query("SELECT subject, label FROM applicant_sessions", &[])? {
        out.push(r.text(0)?);
        out.push(r.text(1)?);
    }
    Ok(out)
}

/// How the case events' bodies are stored: `(packed, plain)` row counts, and the bytes the
/// bodies take as stored.
pub fn case_event_storage(conn: &mut dyn Conn) -> Result<(usize, usize, usize), StoreError> {
    let (mut packed, mut plain, mut bytes) = (0, 0, 0);
    for r in conn.query("SELECT body FROM case_events", &[])? {
        let b = r.bytes(0)?;
        bytes += b.len();
        if crate::codec::is_packed(&b) {
            packed += 1;
        } else {
            plain += 1;
        }
    }
    Ok((packed, plain, bytes))
}

/// The recorded bans (`applicant_bans`), each as `case_number article since until`, in key
/// order; the applicant's identifier is left out.
pub fn applicant_bans(conn: &mut dyn Conn) -> Result<Vec<String>, StoreError> {
    conn.query(
        "SELECT case_number, article, since, until FROM applicant_bans ORDER BY case_number, article",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(format!(
            "{} {} {} {}",
            r.text(0)?,
            r.text(1)?,
            r.text(2)?,
            r.text(3)?
        ))
    })
    .collect()
}
