//! The statements of the one seal: the seal registry (a projection, read here), the encrypted
//! seal keys, and the sealed documents with their place on the log, which the bundle, the
//! verification page and the case page read.

use oneseal_domain::org::{DepartmentCode, DivisionCode};
use oneseal_domain::seal::{RegisteredSeal, Revocation, SealKind, SealRecord};
use time::OffsetDateTime;

use crate::sql::Conn;
use crate::{StoreError, params};

const REGISTRY: &str = "SELECT es_id, jurisdiction, department, kind, name, public_key_pem, valid_from, valid_to, \
     revoked_at, revoked_order, archived, ses_seal FROM seals WHERE jurisdiction = ?";

/// Every seal of a jurisdiction's registry, revoked and archived ones included.
pub fn registry(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<RegisteredSeal>, StoreError> {
    conn.query(
        &format!("{REGISTRY} ORDER BY kind, es_id"),
        params![jurisdiction],
    )?
    .iter()
    .map(registered)
    .collect()
}

/// The bureau's own approval seals of a jurisdiction, revoked ones included: sealing a document
/// reads only these (a registry also holds every department's archived seals).
pub fn bureau_seals(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<RegisteredSeal>, StoreError> {
    conn.query(
        &format!("{REGISTRY} AND kind = ? ORDER BY kind, es_id"),
        params![jurisdiction, "bureau_approval"],
    )?
    .iter()
    .map(registered)
    .collect()
}

fn registered(r: &crate::Row) -> Result<RegisteredSeal, StoreError> {
    let t = |s: String| {
        OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339)
            .map_err(|e| StoreError::Corrupt(format!("stored seal time: {e}")))
    };
    let code = |e: oneseal_domain::catalog::CodeError| StoreError::Corrupt(e.to_string());
    let revocation = match (r.opt_text(8)?, r.opt_text(9)?) {
        (Some(at), Some(order_ref)) => Some(Revocation {
            order_ref,
            at: t(at)?,
            archived: r.int(10)? == 1,
        }),
        _ => None,
    };
    Ok(RegisteredSeal {
        record: SealRecord {
            es_id: r.text(0)?,
            jurisdiction: DivisionCode::parse(&r.text(1)?).map_err(code)?,
            department: DepartmentCode::parse(&r.text(2)?).map_err(code)?,
            kind: if r.text(3)? == "bureau_approval" {
                SealKind::BureauApproval
            } else {
                SealKind::DepartmentApproval
            },
            name: r.text(4)?,
            public_key_pem: r.text(5)?,
            valid_from: t(r.text(6)?)?,
            valid_to: t(r.text(7)?)?,
            ses_seal: r.text(11)?,
        },
        revocation,
    })
}

/// How many approval seals a jurisdiction's bureau has had: the next one's serial.
pub fn bureau_seal_count(conn: &mut dyn Conn, jurisdiction: &str) -> Result<u64, StoreError> {
    Ok(conn
        .query_one(
            "SELECT COUNT(*) FROM seals WHERE jurisdiction = ? AND kind = 'bureau_approval'",
            params![jurisdiction],
        )?
        .map(|r| r.u64(0))
        .transpose()?
        .unwrap_or(0))
}

/// Whether any seal is registered at all (the demo seeds seals only once).
pub fn any_registered(conn: &mut dyn Conn) -> Result<bool, StoreError> {
    Ok(conn.query_one("SELECT 1 FROM seals", &[])?.is_some())
}

/// The bureau of a jurisdiction as its sealed documents name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bureau {
    /// The jurisdiction's Chinese name (the bureau is "<name>行政审批服务局").
    pub name_zh: String,
    /// The bureau's unified social credit code, the issuer in a licence identifier.
    pub uscc: String,
}

pub fn bureau(conn: &mut dyn Conn, jurisdiction: &str) -> Result<Option<Bureau>, StoreError> {
    conn.query_one(
        "SELECT name_zh, bureau_uscc FROM jurisdictions WHERE code = ?",
        params![jurisdiction],
    )?
    .map(|r| {
        Ok(Bureau {
            name_zh: r.text(0)?,
            uscc: r.text(1)?,
        })
    })
    .transpose()
}

/// A (code, Chinese name) pair of the organisation, as seeding seals reads it.
pub type Named = (String, String);

/// Every jurisdiction, in code order.
pub fn jurisdictions(conn: &mut dyn Conn) -> Result<Vec<Named>, StoreError> {
    conn.query("SELECT code, name_zh FROM jurisdictions ORDER BY code", &[])?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect()
}

/// A jurisdiction's licensing departments (whose former approval seals the bureau replaced).
pub fn licensing_departments(
    conn: &mut dyn Conn,
    jurisdiction: &str,
) -> Result<Vec<Named>, StoreError> {
    conn.query(
        "SELECT code, name_zh FROM departments WHERE jurisdiction = ? AND kind = 'licensing' ORDER BY code",
        params![jurisdiction],
    )?
    .into_iter()
    .map(|r| Ok((r.text(0)?, r.text(1)?)))
    .collect()
}

/// A seal's private key as stored: encrypted under the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSealKey {
    pub es_id: String,
    pub encrypted: Vec<u8>,
}

/// Every stored seal key.
pub fn keys(conn: &mut dyn Conn) -> Result<Vec<StoredSealKey>, StoreError> {
    conn.query(
        "SELECT purpose, encrypted FROM keys WHERE purpose LIKE 'seal:%'",
        &[],
    )?
    .into_iter()
    .map(|r| {
        Ok(StoredSealKey {
            es_id: r.text(0)?.trim_start_matches("seal:").to_owned(),
            encrypted: r.blob(1)?,
        })
    })
    .collect()
}

/// Stores a new seal's key (operational state, outside the ledger).
pub fn insert_key(
    conn: &mut dyn Conn,
    es_id: &str,
    public_pem: &str,
    encrypted: &[u8],
    created_at: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO keys (purpose, public, encrypted, created_at) VALUES (?, ?, ?, ?)",
        params![format!("seal:{es_id}"), public_pem, encrypted, created_at],
    )?;
    Ok(())
}

/// Where a sealed document sits on the log, with the licence it created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentEntry<'a> {
    pub case_number: &'a str,
    pub document_kind: &'a str,
    pub license_id: Option<&'a str>,
    pub log: &'a str,
    pub index: u64,
}

pub fn insert_document_entry(conn: &mut dyn Conn, e: &DocumentEntry<'_>) -> Result<(), StoreError> {
    conn.write(
        "INSERT INTO document_entries (case_number, document_kind, license_id, log, idx) VALUES (?, ?, ?, ?, ?)",
        params![e.case_number, e.document_kind, e.license_id, e.log, e.index],
    )?;
    Ok(())
}

/// The licence a case's decision created, if any.
pub fn decision_licence(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_one(
            "SELECT license_id FROM document_entries WHERE case_number = ? AND document_kind = 'decision'",
            params![case_number],
        )?
        .and_then(|r| r.opt_text(0).ok().flatten()))
}

/// The case whose decision created a licence.
pub fn case_of_licence(
    conn: &mut dyn Conn,
    license_id: &str,
) -> Result<Option<String>, StoreError> {
    conn.query_one(
        "SELECT case_number FROM document_entries WHERE license_id = ?",
        params![license_id],
    )?
    .map(|r| r.text(0))
    .transpose()
}

/// A sealed decision as stored: the document and signature (base64) and its place on the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedDecision {
    pub document_b64: String,
    pub signature_der_b64: String,
    pub log: String,
    pub index: u64,
}

pub fn sealed_decision(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Option<SealedDecision>, StoreError> {
    let Some(r) = conn.query_one(
        "SELECT e.log, e.idx FROM sealed_documents d JOIN document_entries e \
         ON e.case_number = d.case_number AND e.document_kind = d.document_kind \
         WHERE d.case_number = ? AND d.document_kind = 'decision'",
        params![case_number],
    )?
    else {
        return Ok(None);
    };
    let (log, index) = (r.text(0)?, r.u64(1)?);
    let (document_b64, signature_der_b64) = sealed_body(conn, &log, index)?;
    Ok(Some(SealedDecision {
        document_b64,
        signature_der_b64,
        log,
        index,
    }))
}

/// The document and its signature (base64) as the `seal.document_sealed` entry at `index` of
/// `log` holds them: the only copy (migration 31 took them out of `sealed_documents`).
fn sealed_body(conn: &mut dyn Conn, log: &str, index: u64) -> Result<(String, String), StoreError> {
    let missing = || {
        StoreError::Corrupt(format!(
            "log {log}: the sealed document at {index} is missing"
        ))
    };
    let (lo, hi) = crate::log::entry_keys(conn, log, index, index.saturating_add(1))?;
    if lo >= hi {
        return Err(missing());
    }
    let stored = conn
        .query_one(
            "SELECT body FROM ledger_entries WHERE id = ? AND body IS NOT NULL",
            params![lo],
        )?
        .ok_or_else(missing)?
        .blob(0)?;
    let body = crate::codec::open(conn, &stored, crate::codec::Part::Body)?;
    match serde_json::from_slice(&body) {
        Ok(oneseal_domain::event::Event::DocumentSealed {
            document,
            signature_der,
            ..
        }) => Ok((document, signature_der)),
        Ok(_) => Err(StoreError::Corrupt(format!(
            "log {log}: entry {index} is not a sealed document"
        ))),
        Err(e) => Err(StoreError::Corrupt(format!(
            "log {log}: entry {index}: {e}"
        ))),
    }
}

/// The sealed document behind a licence, as the public verification page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceDocument {
    pub case_number: String,
    pub log: String,
    pub index: u64,
    pub document_b64: String,
    pub es_id: String,
}

pub fn licence_document(
    conn: &mut dyn Conn,
    license_id: &str,
) -> Result<Option<LicenceDocument>, StoreError> {
    let Some(r) = conn.query_one(
        "SELECT e.case_number, e.log, e.idx, d.es_id FROM document_entries e JOIN sealed_documents d \
         ON d.case_number = e.case_number AND d.document_kind = e.document_kind WHERE e.license_id = ?",
        params![license_id],
    )?
    else {
        return Ok(None);
    };
    let (log, index) = (r.text(1)?, r.u64(2)?);
    let (document_b64, _) = sealed_body(conn, &log, index)?;
    Ok(Some(LicenceDocument {
        case_number: r.text(0)?,
        log,
        index,
        document_b64,
        es_id: r.text(3)?,
    }))
}

/// One sealed document of a case, as stored, for printing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDocument {
    pub document_kind: String,
    pub es_id: String,
    pub document_sm3: String,
    /// The canonical document (base64), as signed.
    pub document_b64: String,
    pub signature_der_b64: String,
    pub license_id: Option<String>,
    pub log: String,
    pub index: u64,
}

/// Every sealed document of a case, in the order they were logged.
pub fn case_documents(
    conn: &mut dyn Conn,
    case_number: &str,
) -> Result<Vec<CaseDocument>, StoreError> {
    conn.query(
        "SELECT d.document_kind, d.es_id, d.document_sm3, e.license_id, e.log, e.idx \
         FROM sealed_documents d JOIN document_entries e \
         ON e.case_number = d.case_number AND e.document_kind = d.document_kind \
         WHERE d.case_number = ? ORDER BY e.idx",
        params![case_number],
    )?
    .into_iter()
    .map(|r| {
        let (log, index) = (r.text(4)?, r.u64(5)?);
        let (document_b64, signature_der_b64) = sealed_body(conn, &log, index)?;
        Ok(CaseDocument {
            document_kind: r.text(0)?,
            es_id: r.text(1)?,
            document_sm3: r.text(2)?,
            document_b64,
            signature_der_b64,
            license_id: r.opt_text(3)?,
            log,
            index,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document sealed before migration 31 is read from its event's body, which a row written
    /// before packing holds plain; one written since holds packed: both give the same document.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn documents_are_read_from_plain_and_packed_bodies_alike() {
        let scratch = crate::scratch::ScratchDb::new().unwrap();
        let mut conn = scratch.database.connect().unwrap();
        let c = conn.as_mut();
        crate::migrate::run(c).unwrap();
        c.execute(
            "INSERT INTO ledger_heads (log, size, root, id) VALUES ('370100', 2, ?, 1)",
            params![vec![0u8; 32]],
        )
        .unwrap();
        let document = "eyJhIjoiYiJ9".repeat(20);
        let signature = "MIIB".repeat(50);
        for (idx, number) in [(0u64, "37010020260116000003"), (1, "37010020260116000004")] {
            let body = format!(
                r#"{{"data":{{"case_number":"{number}","document":"{document}","document_kind":"decision","document_sm3":"00","es_id":"S","signature_der":"{signature}","signature_sm3":"00","signer":"APPROVE-02"}},"kind":"seal.document_sealed"}}"#
            );
            let stored = if idx == 0 {
                body.into_bytes()
            } else {
                let p = crate::codec::pack(
                    "seal.document_sealed",
                    crate::codec::Part::Body,
                    body.as_bytes(),
                );
                assert!(crate::codec::is_packed(&p.bytes));
                crate::codec::store_blobs(c, &p.blobs.iter().collect::<Vec<_>>()).unwrap();
                p.bytes
            };
            c.execute(
                "INSERT INTO ledger_entries (id, log, idx, entry, kind, salt, body) VALUES (?, '370100', ?, ?, 'seal.document_sealed', ?, ?)",
                params![crate::log::entry_key(1, idx).unwrap(), idx, b"{}".to_vec(), vec![0u8; 16], stored],
            )
            .unwrap();
            c.execute(
                "INSERT INTO sealed_documents (case_number, document_kind, es_id, document_sm3, signer) VALUES (?, 'decision', 'S', '00', 'APPROVE')",
                params![number],
            )
            .unwrap();
            insert_document_entry(
                c,
                &DocumentEntry {
                    case_number: number,
                    document_kind: "decision",
                    license_id: None,
                    log: "370100",
                    index: idx,
                },
            )
            .unwrap();
        }
        for number in ["37010020260116000003", "37010020260116000004"] {
            let d = sealed_decision(c, number).unwrap().unwrap();
            assert_eq!(d.document_b64, document);
            assert_eq!(d.signature_der_b64, signature);
            assert_eq!(case_documents(c, number).unwrap()[0].document_b64, document);
        }
    }
}
