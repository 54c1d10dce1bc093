//! What a case's readers are shown, apart from the commands that change it: the case page's
//! sheet, each public step's ledger place, and the public progress query (its code checked,
//! its guesses limited).

use oneseal_domain::calendar::Calendar;
use oneseal_domain::case::{Case, CaseEvent, CaseNumber, PublicProgress};
use oneseal_store::{Conn, StoreError};
use time::OffsetDateTime;

use super::{CaseServiceError, corrupt, load};

/// Where one public step of a case is on its log, with the address of its tlog-proof receipt.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepReceipt {
    pub seq: i64,
    pub kind: String,
    pub log: String,
    pub index: u64,
    pub receipt: String,
}

/// The public steps' ledger places (internal hand-overs and returns left out, as on the page).
pub fn step_receipts(conn: &mut dyn Conn, number: &str) -> Result<Vec<StepReceipt>, StoreError> {
    Ok(oneseal_store::cases::public_steps(conn, number)?
        .into_iter()
        .map(|s| StepReceipt {
            seq: s.seq,
            kind: s.kind,
            receipt: format!("/api/v1/log/{}/receipt/{}", s.log, s.index),
            log: s.log,
            index: s.index,
        })
        .collect())
}

/// What the public progress page shows besides the progress: whether the case is closed, the
/// rating the applicant gave (its code), and each public step's receipt.
pub struct ProgressDetails {
    pub closed: bool,
    pub rating: Option<String>,
    pub receipts: Vec<StepReceipt>,
}

pub fn progress_details(conn: &mut dyn Conn, number: &str) -> Result<ProgressDetails, StoreError> {
    Ok(ProgressDetails {
        closed: oneseal_store::cases::is_closed(conn, number)?,
        rating: oneseal_store::cases::rating_level(conn, number)?,
        receipts: step_receipts(conn, number)?,
    })
}

/// A case as its page shows it.
pub struct CaseSheet {
    pub case: Case,
    pub events: Vec<CaseEvent>,
    /// The licence the case's decision created, if any.
    pub licence_id: Option<String>,
    /// The name of the case's jurisdiction.
    pub jurisdiction_name: String,
}

pub fn sheet(conn: &mut dyn Conn, number: &CaseNumber) -> Result<CaseSheet, CaseServiceError> {
    let (case, events) = load(conn, number)?;
    let licence_id = oneseal_store::seals::decision_licence(conn, number.as_str())?;
    let jurisdiction_name = oneseal_store::seals::bureau(conn, number.division().as_str())?
        .map(|b| b.name_zh)
        .unwrap_or_default();
    Ok(CaseSheet {
        case,
        events,
        licence_id,
        jurisdiction_name,
    })
}

/// Why the public progress query found nothing to show.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    /// No such case, or the wrong code: the same answer, so the number alone reveals nothing.
    #[error("no case with that number and code")]
    NotFound,
    /// This client has guessed wrong too often.
    #[error("too many wrong guesses")]
    TooManyGuesses,
    #[error(transparent)]
    Case(#[from] CaseServiceError),
}

impl From<StoreError> for ProgressError {
    fn from(e: StoreError) -> Self {
        Self::Case(e.into())
    }
}

/// What the public progress query needs from the running server.
pub struct PublicQuery<'a> {
    pub store: &'a oneseal_store::Store,
    pub guesses: &'a crate::services::guesses::GuessLimiter,
    pub secrets: Option<std::sync::Arc<crate::services::case_secrets::CaseSecrets>>,
    pub calendar: &'a Calendar,
    pub now: OffsetDateTime,
}

/// A case's public progress, if the query code matches. A client that has guessed wrong too
/// often is refused without a look.
pub async fn find_progress(
    public: &PublicQuery<'_>,
    client: crate::services::guesses::ClientAddr,
    case: &str,
    code: &str,
) -> Result<PublicProgress, ProgressError> {
    let now = public.now;
    if public.guesses.blocked(client, now) {
        return Err(ProgressError::TooManyGuesses);
    }
    let not_found = || {
        public.guesses.failed(client, now);
        ProgressError::NotFound
    };
    let number = CaseNumber::parse(case).map_err(|_| not_found())?;
    let secrets = public
        .secrets
        .clone()
        .ok_or_else(|| corrupt("case secrets are not loaded"))?;
    let n = number.clone();
    let stored = public
        .store
        .read(move |c| oneseal_store::cases::query_code_key(c, n.as_str()))
        .await?
        .ok_or_else(not_found)?;
    if !secrets.matches(&stored, code) {
        return Err(not_found());
    }
    let (case, _) = public.store.read(move |c| load(c, &number)).await?;
    let today = oneseal_domain::case::legal_date(now);
    Ok(case
        .public_progress(public.calendar, today)
        .map_err(CaseServiceError::from)?)
}
