//! Cases (办件) through the workflow: intake, every step of the Licensing Law procedure, and the
//! decision sealed with the bureau's one seal. Each step is decided by `domain::case` and
//! recorded as ledger events in the same transaction as the case tables.
//!
//! A step taken by a person ([`take_step`]) is authorized here, once for every adapter (the JSON
//! API and the desk), then runs: the case's events are read and folded once ([`load`]; off the
//! writer when the step seals a document, whose signature is made there too), `domain::case`
//! decides, and on the writer every event is applied to that case in memory, recorded with the
//! case as it leaves it (`store::Tx::record_case_step`) and sealed, when it issues a document,
//! by [`documents`]. What readers are shown lives in [`view`].

mod acting;
pub mod documents;
mod intake;
mod preview;
mod view;

use oneseal_domain::access::{Denied, Target, authorize};
use oneseal_domain::case::{
    Case, CaseError, CaseEvent, CaseNumber, Command, CommandKind, Intake, ItemSnapshot, QueryCode,
};
use oneseal_domain::catalog::Item;
use oneseal_domain::event::Event;
use oneseal_domain::org::DivisionCode;
use oneseal_store::cases::event_count;
use oneseal_store::projection::load_case_events;
use oneseal_store::{CaseStep, Conn, StoreError, Tx};
use time::OffsetDateTime;

use crate::services::sealing::{SealKeys, SealingError};

pub use acting::{Acting, Asking};
pub use documents::{Presigned, SealedDocument, license_id};
pub use intake::{IntakeReceipt, Prepared, prepare, register, register_once};
pub use preview::{Preview, PreviewSeal};
pub use view::{
    CaseSheet, ProgressDetails, ProgressError, PublicQuery, StepReceipt, find_progress,
    progress_details, sheet, step_receipts,
};

/// Why a case command or read failed.
#[derive(Debug, thiserror::Error)]
pub enum CaseServiceError {
    /// The workflow does not allow the command (the user's fault).
    #[error(transparent)]
    Refused(#[from] CaseError),
    #[error("no such case")]
    NotFound,
    /// The person may not take this step on this case (role, jurisdiction, department, token
    /// scope).
    #[error(transparent)]
    Denied(#[from] Denied),
    /// A step is taken by a member of staff; an API token is not one.
    #[error("a step is taken by a signed-in member of staff")]
    NotStaff,
    /// An application with fields that do not check out (every one of them, in form order).
    #[error("invalid application: {} field(s)", .0.len())]
    Invalid(Vec<oneseal_domain::case::FieldError>),
    /// An idempotency key that is malformed or was used for another request.
    #[error(transparent)]
    Idempotency(#[from] crate::services::idempotency::IdempotencyError),
    /// A document could not be sealed; [`SealingError::Refused`] is the seal's own refusal,
    /// which is recorded ([`record_refused_seal_use`]).
    #[error(transparent)]
    Sealing(#[from] SealingError),
    /// Stored data that should not exist: a history that does not replay, a number that does
    /// not parse.
    #[error("corrupt case data: {0}")]
    Corrupt(String),
    /// The applicant's 告知承诺 cannot be signed (the item is not under the regime).
    #[error(transparent)]
    Commitment(oneseal_domain::commitment::CommitmentError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The decision's push to the supervising department failed; recorded by the linkage
    /// service with its own typed error.
    #[error("linkage: {0}")]
    Linkage(Box<crate::services::linkage::LinkageError>),
    /// Art. 78–79: the applicant may not apply for the item until the ban ends.
    #[error("the applicant is banned from applying for this item")]
    Banned(oneseal_domain::licence::ban::Ban),
    /// The licence an application is about refuses it, or cannot take its decision.
    #[error("licence: {0}")]
    Licence(Box<crate::services::licences::LicenceServiceError>),
    /// A grant blocked by a refused item of the same "one thing" application.
    #[error(transparent)]
    BundleBlocked(#[from] oneseal_domain::bundle::BundleBlocked),
    /// The case took another step after it was read for this one (`act`'s fold made off the
    /// writer); the step is run again on the case as it stands.
    #[error("the case changed while the step was prepared")]
    Moved,
}

impl CaseServiceError {
    /// The seal's refusal to sign, if that is what stopped the step.
    #[must_use]
    pub fn refused_seal_use(&self) -> Option<&oneseal_domain::seal::SealUseError> {
        match self {
            Self::Sealing(SealingError::Refused(e)) => Some(e),
            _ => None,
        }
    }
}

fn corrupt(e: impl std::fmt::Display) -> CaseServiceError {
    CaseServiceError::Corrupt(e.to_string())
}

/// The next case number of a jurisdiction for a day (locks the jurisdiction's log first, so two
/// server processes cannot hand out the same number).
pub(crate) fn next_case_number(
    tx: &mut Tx<'_>,
    j: &DivisionCode,
    now: OffsetDateTime,
) -> Result<CaseNumber, CaseServiceError> {
    let day = oneseal_domain::case::legal_date(now);
    // Serials are dense from 1 and the numbers sort by serial within a bureau's day, so the
    // day's last number is found on the primary key instead of by counting the day's cases,
    // and the writer remembers it while no other process writes to the bureau's log.
    let first = CaseNumber::new(j, day, 1).map_err(corrupt)?;
    let last = CaseNumber::new(j, day, CaseNumber::MAX_SERIAL).map_err(corrupt)?;
    let latest = tx.latest_in_series(j.as_str(), first.as_str(), |c| {
        oneseal_store::cases::latest_number_between(c, first.as_str(), last.as_str())
    })?;
    let serial = match latest {
        Some(n) => CaseNumber::parse(&n).map_err(corrupt)?.serial() + 1,
        None => 1,
    };
    CaseNumber::new(j, day, serial).map_err(corrupt)
}

/// What intake needs besides the staff member and the time.
pub struct IntakeRequest {
    pub item: Item,
    pub joint_handling: bool,
    pub channel: oneseal_domain::case::Channel,
    pub applicant: oneseal_domain::case::Applicant,
    pub materials: Vec<oneseal_domain::case::MaterialRef>,
    /// The licence a renewal, change or cancellation is about (`services::licences::applications`).
    pub licence: Option<oneseal_domain::licence::LicenceLink>,
    /// An online application's submission time on the platform (Art. 33): its receipt time.
    pub submitted_at: Option<time::OffsetDateTime>,
    /// 住所 / 经营场所, when given (issue #18 item 4).
    pub address: Option<oneseal_domain::case::Address>,
    /// The "one thing" application this case belongs to (`services::bundles`).
    pub bundle: Option<oneseal_domain::bundle::BundleLink>,
    /// The applicant signed the item's 告知承诺 (`domain::commitment`, issue #19 item 5).
    pub commitment: bool,
    /// 委托代理 or 帮办代办 (issue #19 item 3), recorded on the receipt.
    pub representation: Option<oneseal_domain::case::RepresentationRequest>,
}

/// A case being changed by one command: folded once, then evolved event by event. A caller
/// that runs many commands on the same cases in one transaction (the history generator) keeps
/// them between commands instead of reading and folding each case again.
pub struct Working {
    number: CaseNumber,
    case: Case,
    /// How many events the case has.
    len: u64,
}

impl Working {
    /// The case as its last recorded event left it.
    #[must_use]
    pub fn case(&self) -> &Case {
        &self.case
    }

    #[must_use]
    pub fn number(&self) -> &CaseNumber {
        &self.number
    }

    /// Applies `event` to the case, records it with the case it leaves, and returns its index.
    fn record(
        &mut self,
        tx: &mut Tx<'_>,
        who: &Acting,
        event: CaseEvent,
    ) -> Result<u64, CaseServiceError> {
        self.case.evolve(&event)?;
        self.len += 1;
        let step = CaseStep {
            seq: self.len,
            case: &self.case,
            calendar: &who.calendar,
        };
        let recorded = Event::Case {
            case_number: self.number.clone(),
            event: Box::new(event),
        };
        let meta = who.meta();
        let idx =
            tx.record_case_step(&recorded, meta.time, &meta.jurisdiction, &meta.actor, step)?;
        if let Event::Case { event, .. } = &recorded {
            // A platform's application: the platform is told of each public step.
            crate::services::platform::callbacks::after_step(
                tx.conn(),
                &self.case,
                event,
                idx,
                who.now,
            )?;
            // And the applicant's inbox, at the same public steps.
            crate::services::inbox::after_step(
                tx.conn(),
                &who.secrets,
                &self.case,
                event,
                idx,
                who.now,
            )?;
        }
        Ok(idx)
    }
}

/// Registers a new application with the query code `query_code` (which the case keeps only as
/// its keyed digest); returns (case number, first ledger index).
pub fn intake(
    tx: &mut Tx<'_>,
    who: &Acting,
    req: IntakeRequest,
    query_code: &QueryCode,
) -> Result<(CaseNumber, u64), CaseServiceError> {
    let (working, idx) = intake_working(tx, who, req, query_code)?;
    Ok((working.number, idx))
}

/// [`intake`], keeping the new case for the commands that follow in the same transaction.
pub fn intake_working(
    tx: &mut Tx<'_>,
    who: &Acting,
    req: IntakeRequest,
    query_code: &QueryCode,
) -> Result<(Working, u64), CaseServiceError> {
    let case_number = next_case_number(tx, &who.jurisdiction, who.now)?;
    let intake = Intake {
        case_number: case_number.clone(),
        query_code: who.secrets.stored(query_code),
        channel: req.channel,
        item: ItemSnapshot::from_item(&req.item, req.joint_handling),
        applicant: req.applicant,
        materials: req.materials,
        address: req.address,
    };
    let mut events = match req.licence {
        Some(link) => Case::receive_linked(intake, link, &who.ctx())?,
        None => Case::receive_submitted(intake, req.submitted_at, &who.ctx())?,
    };
    if let Some(link) = &req.bundle {
        oneseal_domain::bundle::link_receipt(&mut events, link);
    }
    if req.commitment {
        oneseal_domain::commitment::sign(&mut events).map_err(CaseServiceError::Commitment)?;
    }
    if let Some(rep) = req.representation {
        let rep = rep.record(&who.staff, who.now);
        oneseal_domain::case::record_on_receipt(&mut events, &rep);
    }
    let mut events = events.into_iter();
    let Some(first) = events.next() else {
        return Err(corrupt("intake recorded no event"));
    };
    let mut working = Working {
        case: Case::apply(std::slice::from_ref(&first))?,
        number: case_number.clone(),
        len: 1,
    };
    let step = CaseStep {
        seq: 1,
        case: &working.case,
        calendar: &who.calendar,
    };
    let received = Event::Case {
        case_number: case_number.clone(),
        event: Box::new(first),
    };
    let meta = who.meta();
    let idx = tx.record_case_step(&received, meta.time, &meta.jurisdiction, &meta.actor, step)?;
    let series = CaseNumber::new(case_number.division(), case_number.date(), 1).map_err(corrupt)?;
    tx.issued_in_series(
        case_number.division().as_str(),
        series.as_str(),
        case_number.as_str(),
    );
    if let Event::Case { event, .. } = &received {
        // The receipt is the applicant's first message (when they have an account).
        crate::services::inbox::after_step(
            tx.conn(),
            &who.secrets,
            &working.case,
            event,
            idx,
            who.now,
        )?;
    }
    for e in events {
        working.record(tx, who, e)?;
    }
    Ok((working, idx))
}

/// Loads a case from its events (the one fold of a command).
pub fn load(
    conn: &mut dyn Conn,
    number: &CaseNumber,
) -> Result<(Case, Vec<CaseEvent>), CaseServiceError> {
    let events = load_case_events(conn, number.as_str())?;
    if events.is_empty() {
        return Err(CaseServiceError::NotFound);
    }
    let case =
        Case::apply(&events).map_err(|e| corrupt(format!("stored case does not replay: {e}")))?;
    Ok((case, events))
}

/// What presigning learned off the writer: the case as it was read, so the writer need not fold
/// it again when nothing was appended since, and the documents it signed.
#[derive(Default)]
pub struct Presign {
    read: Option<(Case, u64)>,
    signed: Vec<Presigned>,
}

impl Presign {
    /// How many documents were signed ahead of the write.
    pub fn signed(&self) -> usize {
        self.signed.len()
    }
}

/// Runs a command on a case as read on `conn`, without recording anything, and signs the
/// documents it would seal. If the case changes before the write, the drafts differ and the
/// writer signs afresh.
pub fn presign(
    conn: &mut dyn Conn,
    who: &Acting,
    number: &CaseNumber,
    command: Command,
    seals: &SealKeys,
) -> Result<Presign, CaseServiceError> {
    let (read, events) = load(conn, number)?;
    let mut case = read.clone();
    let mut signed = Vec::new();
    for e in case.handle(command, &who.ctx())? {
        case.evolve(&e)?;
        signed.extend(documents::presign_event(conn, who, &case, &e, seals)?);
    }
    Ok(Presign {
        read: Some((read, events.len() as u64)),
        signed,
    })
}

/// What `command` on case `number` would decide and seal if `who` took it now: the case's own
/// refusal is part of the preview, nothing is recorded.
///
/// # Errors
/// No such case, or the store's failure.
pub fn preview(
    conn: &mut dyn Conn,
    who: &Acting,
    number: &CaseNumber,
    command: Command,
) -> Result<Preview, CaseServiceError> {
    let (case, _) = load(conn, number)?;
    Ok(preview::build(conn, who, &case, command)?)
}

/// The result of one step.
#[derive(Debug, serde::Serialize)]
pub struct StepOutcome {
    pub case_number: String,
    pub status: u8,
    pub status_zh: &'static str,
    pub ledger_indexes: Vec<u64>,
    pub sealed: Option<SealedDocument>,
    /// The pushes to supervising departments the step made (审管互动).
    pub pushes: Vec<String>,
}

/// Runs one command on a case; a document the step issues is sealed in the same transaction.
pub fn act(
    tx: &mut Tx<'_>,
    who: &Acting,
    number: &CaseNumber,
    command: Command,
    seals: &SealKeys,
    presign: Presign,
) -> Result<StepOutcome, CaseServiceError> {
    let Presign {
        read,
        signed: presigned,
    } = presign;
    // The one fold of the command. One made off the writer is taken as it is, without asking
    // the case's event count first (a round trip on PostgreSQL): the step's first event takes
    // the next `seq` of the case, the key of `case_events` with its number, so if another step
    // came in since, that insert fails and the command with it, and `write_step` runs it again
    // with the fold made here. Only a step that records nothing must check.
    let (case, len, read_here) = match read {
        Some((case, len)) => (case, len, false),
        None => {
            let (case, events) = load(tx.conn(), number)?;
            (case, events.len() as u64, true)
        }
    };
    let mut working = Working {
        number: number.clone(),
        case,
        len,
    };
    let outcome = act_on(tx, who, &mut working, command, seals, presigned)?;
    if !read_here
        && outcome.ledger_indexes.is_empty()
        && event_count(tx.conn(), number.as_str())? != Some(len)
    {
        return Err(CaseServiceError::Moved);
    }
    Ok(outcome)
}

/// [`act`] on a case already loaded in this transaction (by [`intake_working`] or an earlier
/// `act_on`). On an error the transaction must roll back: `working` may be ahead of it.
pub fn act_on(
    tx: &mut Tx<'_>,
    who: &Acting,
    working: &mut Working,
    command: Command,
    seals: &SealKeys,
    mut presigned: Vec<Presigned>,
) -> Result<StepOutcome, CaseServiceError> {
    let number = working.number.clone();
    let new = working.case.handle(command, &who.ctx())?;
    if let Some(blocked) =
        crate::services::bundles::rule::blocked_grant(tx.conn(), &working.case, &new)?
    {
        return Err(blocked.into());
    }
    let mut indexes = Vec::with_capacity(new.len());
    let mut sealed = None;
    for e in &new {
        indexes.push(working.record(tx, who, e.clone())?);
        if let Some(voucher) = documents::voucher_for(e, &working.case)? {
            sealed = Some(documents::seal_document(
                tx,
                who,
                &working.case,
                voucher,
                seals,
                &mut presigned,
            )?);
        }
    }
    // 容缺受理: a held licence is issued when its last deferred material arrives.
    let released = documents::release_licence(tx, who, &working.case, &new)?;
    let issued_at = sealed
        .as_ref()
        .filter(|s| s.license_id.is_some() && !working.case.licence_held())
        .map(|s| s.ledger_index)
        .or(released.as_ref().map(|(idx, _)| *idx));
    if let Some(idx) = issued_at {
        crate::services::platform::callbacks::after_licence(
            tx.conn(),
            &working.case,
            idx,
            who.now,
        )?;
        crate::services::inbox::after_licence(
            tx.conn(),
            &who.secrets,
            &working.case,
            idx,
            who.now,
        )?;
    }
    crate::services::licences::linked::after_decision(
        tx,
        &who.meta(),
        &who.calendar,
        who.now,
        &working.case,
        &new,
    )
    .map_err(|e| CaseServiceError::Licence(Box::new(e)))?;
    let mut pushes = push_decision(tx, who, &working.case, &new, sealed.as_ref())?;
    if let Some((_, licence)) = &released {
        pushes.extend(push_released(tx, who, &working.case, licence)?);
    }
    // A held licence (容缺受理) is not issued: the task names it once released.
    crate::services::commitments::after_decision(
        tx,
        &who.meta(),
        &who.calendar,
        &working.case,
        &new,
        sealed
            .as_ref()
            .filter(|_| !working.case.licence_held())
            .and_then(|s| s.license_id.as_deref()),
        &pushes,
    )
    .map_err(commitment_error)?;
    if let Some((_, licence)) = &released {
        crate::services::commitments::after_release(tx, &who.meta(), &working.case, licence)
            .map_err(commitment_error)?;
    }
    let status = working.case.status();
    Ok(StepOutcome {
        case_number: number.to_string(),
        status: status.code(),
        status_zh: status.name_zh(),
        ledger_indexes: indexes,
        sealed,
        pushes,
    })
}

/// The commitment task's failure as the step's: the store's and the linkage's as themselves.
fn commitment_error(e: crate::services::commitments::CommitmentServiceError) -> CaseServiceError {
    use crate::services::commitments::CommitmentServiceError as E;
    match e {
        E::Store(e) => CaseServiceError::Store(e),
        E::Linkage(e) => CaseServiceError::Linkage(Box::new(e)),
        E::Rule(r) => CaseServiceError::Commitment(r),
        other => corrupt(format!("commitment task: {other}")),
    }
}

/// `asking` acting on case `number` with a command of `kind`: the one authorization of a case
/// step, for the JSON API, the desk's preview and its confirmation alike (role × jurisdiction ×
/// department × token scope, `domain::access::authorize`), then the member of staff with the
/// request's time, calendar and case secrets.
///
/// # Errors
/// `Denied`; `NotStaff` for an API token; `Corrupt` when the case secrets are not loaded.
pub fn authorize_step(
    asking: Asking,
    number: &CaseNumber,
    kind: CommandKind,
) -> Result<Acting, CaseServiceError> {
    let Asking {
        principal,
        now,
        calendar,
        secrets,
    } = asking;
    authorize(
        &principal,
        kind.access_action(),
        &Target::jurisdiction(number.division()),
    )?;
    Ok(Acting {
        staff: principal.staff.ok_or(CaseServiceError::NotStaff)?,
        roles: principal.roles,
        now,
        calendar,
        jurisdiction: number.division().clone(),
        secrets: secrets.ok_or_else(|| corrupt("case secrets are not loaded"))?,
    })
}

/// Takes one step as the person `asking`, as the JSON API and the desk's confirmation both do:
/// authorized ([`authorize_step`]), then run ([`run_step`]).
///
/// # Errors
/// The refusal to authorize, the step's refusal, or the store's or the seal's failure.
pub async fn take_step(
    store: &oneseal_store::Store,
    seals: &std::sync::Arc<SealKeys>,
    asking: Asking,
    number: CaseNumber,
    command: Command,
) -> Result<StepOutcome, CaseServiceError> {
    let who = authorize_step(asking, &number, command.kind())?;
    run_step(store, seals, who, number, command).await
}

/// What the desk's preview of `command` shows `asking`, authorized as the step itself would be.
///
/// # Errors
/// As [`authorize_step`], then as [`preview`].
pub async fn preview_step(
    store: &oneseal_store::Store,
    asking: Asking,
    number: CaseNumber,
    command: Command,
) -> Result<Preview, CaseServiceError> {
    let who = authorize_step(asking, &number, command.kind())?;
    store
        .read(move |c| preview(c, &who, &number, command))
        .await
}

/// Runs one step as `who`, already authorized (by [`take_step`], or by the route that received
/// an online application): the case is folded and the document it seals signed ahead, off the
/// writer ([`presign`]), then the step runs on the writer ([`write_step`]).
///
/// # Errors
/// The step's refusal, or the store's or the seal's failure.
pub async fn run_step(
    store: &oneseal_store::Store,
    seals: &std::sync::Arc<SealKeys>,
    who: Acting,
    number: CaseNumber,
    command: Command,
) -> Result<StepOutcome, CaseServiceError> {
    // Any failure here is the writer's to report: it runs the command for real.
    let (w, n, c, k) = (who.clone(), number.clone(), command.clone(), seals.clone());
    let presigned = store
        .read_committed(move |conn| presign(conn, &w, &n, c, &k))
        .await
        .unwrap_or_default();
    write_step(store, seals, who, number, command, presigned).await
}

/// The writer's part of [`run_step`]: the step on the case as `presigned` read it, or, should
/// that fail, once more on the case as the writer finds it (it may have moved since the read,
/// see [`act`]); a seal's refusal to sign is then recorded in its own transaction (the step
/// itself rolled back).
///
/// # Errors
/// The step's refusal, or the store's or the seal's failure.
pub async fn write_step(
    store: &oneseal_store::Store,
    seals: &std::sync::Arc<SealKeys>,
    who: Acting,
    number: CaseNumber,
    command: Command,
    presigned: Presign,
) -> Result<StepOutcome, CaseServiceError> {
    let folded_off_writer = presigned.read.is_some();
    let (w, n, c, k) = (who.clone(), number.clone(), command.clone(), seals.clone());
    let mut result = store
        .write(move |tx| act(tx, &w, &n, c, &k, presigned))
        .await;
    if result.is_err() && folded_off_writer {
        // Whatever failed, the step runs again exactly as if nothing had been read ahead.
        let (w, n, k) = (who.clone(), number.clone(), seals.clone());
        result = store
            .write(move |tx| act(tx, &w, &n, command, &k, Presign::default()))
            .await;
    }
    if let Err(e) = &result
        && let Some(refusal) = e.refused_seal_use()
    {
        let why = refusal.to_string();
        store
            .write(move |tx| record_refused_seal_use(tx, &who, &number, &why))
            .await?;
    }
    result
}

/// A decision goes to the item's supervising department (审管互动): approvals always, refusals
/// when the department asked for them.
fn push_decision(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    new: &[CaseEvent],
    sealed: Option<&SealedDocument>,
) -> Result<Vec<String>, CaseServiceError> {
    use oneseal_domain::case::Decision;
    use oneseal_domain::linkage::PushKind;
    let mut pushes = Vec::new();
    for e in new {
        let CaseEvent::Decided { decision, .. } = e else {
            continue;
        };
        let kind = match decision {
            Decision::Refuse(_) => PushKind::Refusal,
            _ => PushKind::Approval,
        };
        let r = case.received();
        let pushed = crate::services::linkage::push_decision(
            tx,
            &who.meta(),
            &who.calendar,
            crate::services::linkage::Decided {
                kind,
                case_number: r.case_number.as_str(),
                // A held licence (容缺受理) is not issued yet: the push names none.
                licence_id: sealed
                    .filter(|_| !case.licence_held())
                    .and_then(|s| s.license_id.as_deref()),
                item_code: r.item.basic_code.as_str(),
                item_name: &r.item.name,
            },
        )
        .map_err(|e| CaseServiceError::Linkage(Box::new(e)))?;
        pushes.extend(pushed);
    }
    Ok(pushes)
}

/// 容缺受理: the decision's push named no licence (it was held); once the licence is issued the
/// supervising department is told of it, as of any later act on a licence (审管互动).
fn push_released(
    tx: &mut Tx<'_>,
    who: &Acting,
    case: &Case,
    licence: &str,
) -> Result<Option<String>, CaseServiceError> {
    let r = case.received();
    crate::services::linkage::push_decision(
        tx,
        &who.meta(),
        &who.calendar,
        crate::services::linkage::Decided {
            kind: oneseal_domain::linkage::PushKind::LicenceIssued,
            case_number: r.case_number.as_str(),
            licence_id: Some(licence),
            item_code: r.item.basic_code.as_str(),
            item_name: &r.item.name,
        },
    )
    .map_err(|e| CaseServiceError::Linkage(Box::new(e)))
}

/// A refused use of a seal is itself recorded, in its own transaction (the refused step rolled
/// back): the bureau's current approval seal, and why.
pub fn record_refused_seal_use(
    tx: &mut Tx<'_>,
    who: &Acting,
    number: &CaseNumber,
    reason: &str,
) -> Result<u64, CaseServiceError> {
    let es_id = oneseal_store::seals::registry(tx.conn(), number.division().as_str())?
        .into_iter()
        .find(|s| s.record.kind == oneseal_domain::seal::SealKind::BureauApproval)
        .map(|s| s.record.es_id)
        .unwrap_or_default();
    Ok(who.meta().record_event(
        tx,
        &Event::SealUseRefused {
            es_id,
            reason: format!("case {number}: {reason}"),
        },
    )?)
}
