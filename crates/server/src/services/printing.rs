//! The printable documents of a case (#18.4): which ones a case has, and each one as an A4
//! PDF (`oneseal_pdf`), for staff who may view the case and, with the query code, for the
//! applicant.
//!
//! What is sealed stays as it was: the seal signs the canonical document recorded with
//! `document.sealed` (`services::cases::documents`), whose SM3 is public. The PDF is a
//! rendering of that document and of the case, made on request and never hashed in public, so
//! it may print what the sealed bytes must not: the applicant's name, and on the applicant's
//! copy the query code. It shows the seal's registered picture, the sealed document's SM3 and
//! a QR code to where anyone can check it (the licence's verification page, or the document's
//! ledger entry). Unsealed papers (the receipt, the notices of an extension or a special
//! procedure) carry no seal picture and say so.
//!
//! Every date printed and the PDF's creation date come from the case's events, never the
//! clock, so the same case and time give the same bytes.

mod model;
mod sheets;

use model::Sources;
pub use model::{Copy, PrintingError};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::case::CaseNumber;
use oneseal_seal::Seal;
use oneseal_store::Conn;
use serde::Serialize;

use crate::services::cases::load;

/// One document of a case, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub kind: String,
    pub title: String,
    /// Whether it bears the bureau's seal (`document.sealed` on the ledger).
    pub sealed: bool,
}

/// A printed document.
#[derive(Debug)]
pub struct Printed {
    pub kind: String,
    pub title: String,
    pub pdf: Vec<u8>,
}

fn sources(conn: &mut dyn Conn, number: &CaseNumber) -> Result<Sources, PrintingError> {
    let (case, events) = load(conn, number)?;
    let sealed = oneseal_store::seals::case_documents(conn, number.as_str())?;
    let bureau = oneseal_store::seals::bureau(conn, number.division().as_str())?
        .map(|b| format!("{}行政审批服务局", b.name_zh))
        .unwrap_or_default();
    let licence = match sealed.iter().find_map(|d| d.license_id.clone()) {
        Some(id) => oneseal_store::projection::load_licence_events(conn, &id)?
            .into_iter()
            .next(),
        None => None,
    };
    Ok(Sources {
        case,
        events,
        sealed,
        bureau,
        licence,
    })
}

/// The documents `number` has so far, in the order they were issued.
pub fn list(conn: &mut dyn Conn, number: &CaseNumber) -> Result<Vec<Listed>, PrintingError> {
    let s = sources(conn, number)?;
    Ok(sheets::kinds(&s)
        .into_iter()
        .map(|(kind, title, sealed)| Listed {
            kind,
            title,
            sealed,
        })
        .collect())
}

/// The document `kind` of `number` as PDF; `base_url` is the bureau's public address (for
/// the QR code and the progress page's address).
pub fn print(
    conn: &mut dyn Conn,
    number: &CaseNumber,
    kind: &str,
    base_url: &str,
    copy: &Copy,
) -> Result<Printed, PrintingError> {
    let s = sources(conn, number)?;
    let sealed = s
        .sealed
        .iter()
        .find(|d| d.document_kind == sheets::sealed_kind(kind));
    let picture = match sealed {
        Some(d) => seal_picture(conn, number.division().as_str(), &d.es_id)?,
        None => None,
    };
    let (sheet, created) = sheets::sheet(&s, kind, base_url, copy, picture)?;
    Ok(Printed {
        kind: kind.to_owned(),
        title: sheet.title.clone(),
        pdf: oneseal_pdf::render(&sheet, created)?,
    })
}

/// The registered picture (SVG) of seal `es_id`, if it has a usable one.
fn seal_picture(
    conn: &mut dyn Conn,
    jurisdiction: &str,
    es_id: &str,
) -> Result<Option<String>, PrintingError> {
    Ok(oneseal_store::seals::registry(conn, jurisdiction)?
        .into_iter()
        .find(|s| s.record.es_id == es_id)
        .and_then(|s| STANDARD.decode(&s.record.ses_seal).ok())
        .and_then(|d| Seal::from_der(&d).ok())
        .and_then(|s| String::from_utf8(s.picture().data.as_bytes().to_vec()).ok())
        .filter(|svg| svg.contains("<svg") && svg.len() > "<svg/>".len()))
}
