//! What the printing service and its sheets share: the sources a sheet is made from, whose
//! copy is printed, and why printing fails.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::case::{Case, CaseEvent};
use oneseal_store::StoreError;
use oneseal_store::seals::CaseDocument;

use crate::services::cases::CaseServiceError;

/// Why a document could not be listed or printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintingError {
    /// The case has no document of that kind (or no such kind exists).
    #[error("no such document")]
    NoSuchDocument,
    #[error("corrupt sealed document: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Pdf(#[from] oneseal_pdf::PdfError),
    #[error(transparent)]
    Case(#[from] CaseServiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whose copy is printed: staff's, or the applicant's, which carries the query code the
/// applicant just gave (the case keeps only its keyed digest).
#[derive(Debug, Clone)]
pub enum Copy {
    Staff,
    Applicant { query_code: String },
}

/// What the sheets are made from: the case, its sealed documents and the bureau.
pub struct Sources {
    pub case: Case,
    pub events: Vec<CaseEvent>,
    pub sealed: Vec<CaseDocument>,
    pub bureau: String,
    /// The issued licence's validity, when the decision created one.
    pub licence: Option<oneseal_domain::licence::LicenceEvent>,
}

/// The canonical sealed document as JSON.
pub fn sealed_fields(d: &CaseDocument) -> Result<serde_json::Value, PrintingError> {
    let bytes = STANDARD
        .decode(&d.document_b64)
        .map_err(|e| PrintingError::Corrupt(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| PrintingError::Corrupt(e.to_string()))
}
