//! Intake from the provincial service platform (一网通办, issue #19 item 7): a platform's API
//! token (scope `intake` only), the applications it forwards, and its callbacks.
//!
//! - **Token.** An administrator issues it like a department's (`services::org`), for a platform
//!   name; the optional callback address is registered with it, and its signing secret is
//!   shown once. The issue is a ledger event (`access.platform_token_issued`).
//! - **Intake.** The same checks and the same registration as the window's intake
//!   (`cases::prepare`, `cases::register`), on the online channel with the platform's
//!   submission time as the receipt time (Art. 33). The platform's reference makes it
//!   idempotent for good, not for the day an `Idempotency-Key` lasts: the first request's
//!   keyed digest and the query code's nonce are kept in `platform_intakes`, so a retry answers
//!   the same case and code, and the same reference with another body is refused. The binding
//!   of reference and case is a ledger event (`case.platform_intake`, codes only).
//! - **Callbacks.** Each public step of such a case (`domain::platform::callback_step`, and the
//!   licence's issue) is put, in the step's own transaction, on the platform's feed under the
//!   step's ledger index, and delivered by the departments' webhook worker
//!   (`background::webhook_delivery`): the same Standard Webhooks signature, retries and
//!   target policy. A callback carries the reference, the case number, the step, the status
//!   and the time: nothing about the applicant.
//! - **Rotation.** The administrator who issues platform tokens rotates the callback secret
//!   through any of the platform's tokens ([`rotate_callback_secret`]) as a department rotates
//!   its webhook's: the new secret is shown once, and the previous one keeps signing beside it
//!   for `PREVIOUS_SECRET_VALID_SECS`, so the platform installs the new one without missing a
//!   callback.

use std::sync::Arc;

use oneseal_domain::access::{Action, Denied, Principal, Target, authorize};
use oneseal_domain::case::{CaseNumber, CaseStatus, IntakeInput, QueryCode};
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::DivisionCode;
use oneseal_domain::platform::{PlatformName, PlatformRef};
use oneseal_store::platform::{self as store, Forwarded};
use oneseal_store::sessions::NewToken;
use oneseal_store::{Store, StoreError};
use serde_json::json;
use time::OffsetDateTime;

pub mod callbacks;

use crate::services::cases::{Acting, CaseServiceError, prepare, register};
use crate::services::commands::Meta;
use crate::services::linkage::webhooks::{
    PREVIOUS_SECRET_VALID_SECS, SecretBox, TargetPolicy, WebhookError, check_url,
};
use crate::services::org::MAX_TOKEN_DAYS;
use crate::services::sessions::{self, SessionError};

/// The department column of a platform's token row: no department has this code (a platform
/// token's principal has the `platform` role, which nothing but intake admits). The token list
/// names the platform instead (`services::org::TokenView`).
pub const TOKEN_DEPARTMENT: &str = "PLATFORM";

#[derive(Debug, thiserror::Error)]
pub enum PlatformServiceError {
    #[error(transparent)]
    Name(oneseal_domain::platform::PlatformError),
    #[error("a platform token's scopes are exactly [\"intake\"]")]
    BadScopes,
    #[error("a token's lifetime must be 1 to {MAX_TOKEN_DAYS} days")]
    BadExpiry,
    /// The request is not a platform token's.
    #[error("not a platform's token")]
    NotPlatform,
    /// `submitted_at` is required: the platform's receipt time is the case's (Art. 33).
    #[error("submitted_at is required")]
    MissingSubmittedAt,
    /// The reference was used for a different application.
    #[error("the platform_ref was already used for a different application")]
    RefReused { case_number: String },
    /// No token has that id.
    #[error("no such token")]
    TokenNotFound,
    /// The token is not a platform's, or its platform registered no callback address.
    #[error("no callback address registered for that token's platform")]
    NoCallback,
    #[error("forbidden: {0}")]
    Forbidden(#[from] Denied),
    #[error(transparent)]
    Callback(#[from] WebhookError),
    #[error(transparent)]
    Case(#[from] CaseServiceError),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an administrator asks for.
pub struct TokenOrder {
    pub jurisdiction: DivisionCode,
    pub platform: PlatformName,
    pub scopes: Vec<Action>,
    pub expires_in_days: Option<i64>,
    pub callback_url: Option<String>,
}

/// The answer to an issue: the secrets are shown this once.
#[derive(Debug, serde::Serialize)]
pub struct IssuedToken {
    pub id: String,
    pub token: String,
    pub platform: PlatformName,
    pub scopes: Vec<Action>,
    pub expires_at: i64,
    pub ledger_index: u64,
    pub callback_url: Option<String>,
    pub callback_secret: Option<String>,
}

/// Issues a platform's token (and registers its callback address, if given).
///
/// # Errors
/// Bad scopes, lifetime or callback address; the store's failure.
pub async fn issue_token(
    st: &Store,
    secrets: Option<Arc<SecretBox>>,
    policy: TargetPolicy,
    order: TokenOrder,
    by: Actor,
    now: OffsetDateTime,
) -> Result<IssuedToken, PlatformServiceError> {
    if order.scopes != [Action::PlatformIntake] {
        return Err(PlatformServiceError::BadScopes);
    }
    let days = order.expires_in_days.unwrap_or(MAX_TOKEN_DAYS);
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(PlatformServiceError::BadExpiry);
    }
    let callback = match &order.callback_url {
        Some(url) => {
            check_url(url, policy)?;
            let (secret, sealed) = new_sealed_secret(secrets).await?;
            Some((url.clone(), secret, sealed))
        }
        None => None,
    };
    let id = format!("tok-{}", &sessions::random_token()?[..12]);
    let secret = format!("osk_{}", sessions::random_token()?);
    let t = now.unix_timestamp();
    let expires_at = t + days * 86_400;
    let (tid, hash) = (id.clone(), sessions::token_hash(&secret));
    let (j, platform) = (order.jurisdiction.clone(), order.platform.clone());
    let hook = callback
        .as_ref()
        .map(|(url, _, sealed)| (url.clone(), sealed.clone()));
    let ledger_index = st
        .write(move |tx| {
            oneseal_store::sessions::insert_token(
                tx.conn(),
                &NewToken {
                    id: &tid,
                    token_hash: &hash,
                    jurisdiction: j.as_str(),
                    department: TOKEN_DEPARTMENT,
                    scopes: "intake",
                    created_at: t,
                    expires_at,
                },
            )?;
            store::mark_token(tx.conn(), &tid, platform.as_str())?;
            if let Some((url, sealed)) = &hook {
                store::register_callback(tx.conn(), j.as_str(), platform.as_str(), url, sealed, t)?;
            }
            let meta = Meta {
                time: now,
                jurisdiction: j,
                actor: by,
            };
            meta.record_event(
                tx,
                &Event::PlatformTokenIssued {
                    id: tid,
                    platform,
                    scopes: vec!["intake".into()],
                },
            )
        })
        .await?;
    Ok(IssuedToken {
        id,
        token: secret,
        platform: order.platform,
        scopes: order.scopes,
        expires_at,
        ledger_index,
        callback_url: callback.as_ref().map(|c| c.0.clone()),
        callback_secret: callback.map(|c| c.1),
    })
}

/// A fresh callback secret and its text sealed under the master key (the KDF runs off the
/// async threads).
async fn new_sealed_secret(
    secrets: Option<Arc<SecretBox>>,
) -> Result<(String, String), WebhookError> {
    let sb = secrets.ok_or(WebhookError::NoMasterKey)?;
    let secret = crate::services::linkage::webhooks::signing::new_secret()?;
    let s = secret.clone();
    let sealed = tokio::task::spawn_blocking(move || sb.seal(&s))
        .await
        .map_err(|e| WebhookError::Secret(e.to_string()))??;
    Ok((secret, sealed))
}

/// The answer to a rotation: the new secret, shown this once.
#[derive(Debug, serde::Serialize)]
pub struct RotatedSecret {
    pub platform: PlatformName,
    pub callback_secret: String,
    /// Until when (unix seconds) the previous secret still signs, beside the new one.
    pub previous_secret_valid_until: i64,
}

/// Replaces the callback secret of the platform token `token_id` belongs to (in the token's
/// jurisdiction) with a fresh one, the previous one signing beside it for
/// `PREVIOUS_SECRET_VALID_SECS`, as a department's webhook rotation does. The callback address
/// is the platform's, not one token's, so any of its tokens names it, a revoked one too: the
/// cases it forwarded keep calling back after it is revoked.
///
/// # Errors
/// `TokenNotFound`; `Forbidden` where the principal may not issue tokens; `NoCallback` for a
/// department's token or a platform without an address; the master key's absence.
pub async fn rotate_callback_secret(
    st: &Store,
    secrets: Option<Arc<SecretBox>>,
    principal: &Principal,
    token_id: String,
    now: OffsetDateTime,
) -> Result<RotatedSecret, PlatformServiceError> {
    let (j, platform) = st
        .read(move |c| store::token_owner(c, &token_id))
        .await?
        .ok_or(PlatformServiceError::TokenNotFound)?;
    let j = DivisionCode::parse(&j).map_err(|e| StoreError::Corrupt(format!("token: {e}")))?;
    authorize(principal, Action::IssueApiToken, &Target::jurisdiction(&j))?;
    let platform = platform
        .and_then(|p| PlatformName::parse(&p).ok())
        .ok_or(PlatformServiceError::NoCallback)?;
    let (secret, sealed) = new_sealed_secret(secrets).await?;
    let until = now.unix_timestamp() + PREVIOUS_SECRET_VALID_SECS;
    let name = platform.clone();
    let changed = st
        .write(move |tx| {
            store::rotate_callback(tx.conn(), j.as_str(), name.as_str(), &sealed, until)
        })
        .await?;
    if !changed {
        return Err(PlatformServiceError::NoCallback);
    }
    Ok(RotatedSecret {
        platform,
        callback_secret: secret,
        previous_secret_valid_until: until,
    })
}

/// The platform a token belongs to.
///
/// # Errors
/// [`PlatformServiceError::NotPlatform`] for a department's token or a stored name that no
/// longer parses.
pub async fn platform_of(
    st: &Store,
    token_id: String,
) -> Result<PlatformName, PlatformServiceError> {
    let name = st
        .read(move |c| store::token_platform(c, &token_id))
        .await?
        .ok_or(PlatformServiceError::NotPlatform)?;
    PlatformName::parse(&name).map_err(|_| PlatformServiceError::NotPlatform)
}

/// One forwarded application.
pub struct Forward {
    pub platform: PlatformName,
    pub token_id: String,
    pub platform_ref: PlatformRef,
    pub input: IntakeInput,
    pub joint_handling: bool,
    pub submitted_at: OffsetDateTime,
}

/// The answer to a forwarded application (the only time the query code is shown).
#[derive(Debug)]
pub struct ForwardReceipt {
    pub case_number: CaseNumber,
    pub query_code: QueryCode,
    pub ledger_index: u64,
    /// Whether this answers an earlier request with the same reference.
    pub replayed: bool,
}

/// The acting receiver of a platform's applications: the platform at the window (a clerk's
/// role for the receipt alone, under the platform's own receiver id).
///
/// # Errors
/// A name whose receiver id does not parse (never for a parsed name).
pub fn receiver(
    platform: &PlatformName,
    jurisdiction: DivisionCode,
    now: OffsetDateTime,
    calendar: Arc<oneseal_domain::calendar::Calendar>,
    secrets: Arc<crate::services::case_secrets::CaseSecrets>,
) -> Result<Acting, PlatformServiceError> {
    let staff = platform
        .receiver()
        .map_err(|_| PlatformServiceError::NotPlatform)?;
    Ok(Acting {
        staff,
        roles: vec![oneseal_domain::org::Role::Clerk],
        now,
        calendar,
        jurisdiction,
        secrets,
    })
}

/// Registers a platform's application once per reference; a retry answers the first.
///
/// # Errors
/// The intake's field errors and refusals; `RefReused` for another body under a used reference.
pub async fn forward(
    st: &Store,
    who: Acting,
    f: Forward,
) -> Result<ForwardReceipt, PlatformServiceError> {
    let j = who.jurisdiction.clone();
    let input = f.input.clone();
    let joint = f.joint_handling;
    let prepared = st
        .lookup(move |c| prepare(c, &j, &input, joint))
        .await
        .map_err(PlatformServiceError::Case)?;
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce)
        .map_err(|e| CaseServiceError::Corrupt(format!("no randomness: {e}")))?;
    st.write(move |tx| {
        let c = &prepared.checked;
        let canonical = json!({
            "platform_ref": f.platform_ref.as_str(),
            "item": c.item_code,
            "joint_handling": prepared.joint_handling,
            "channel": c.channel,
            "applicant": c.applicant,
            "materials": c.materials,
            "submitted_at": f.submitted_at.unix_timestamp(),
        });
        let digest = who.secrets.request_digest(canonical.to_string().as_bytes());
        let j = who.jurisdiction.as_str().to_owned();
        if let Some(first) =
            store::find(tx.conn(), &j, f.platform.as_str(), f.platform_ref.as_str())?
        {
            if first.request_digest != digest {
                return Err(PlatformServiceError::RefReused {
                    case_number: first.case_number,
                });
            }
            let corrupt = |e: String| CaseServiceError::Corrupt(e);
            let nonce = hex::decode(&first.nonce).map_err(|e| corrupt(e.to_string()))?;
            return Ok(ForwardReceipt {
                case_number: CaseNumber::parse(&first.case_number)
                    .map_err(|e| corrupt(e.to_string()))?,
                query_code: who.secrets.intake_code(&nonce),
                ledger_index: first.ledger_index,
                replayed: true,
            });
        }
        let receipt = register(tx, &who, prepared, None, nonce, Some(f.submitted_at))?;
        let meta = Meta {
            time: who.now,
            jurisdiction: who.jurisdiction.clone(),
            actor: Actor::System(format!("platform:{}", f.platform)),
        };
        meta.record_event(
            tx,
            &Event::PlatformIntake {
                case_number: receipt.case_number.clone(),
                platform: f.platform.clone(),
                platform_ref: f.platform_ref.clone(),
                token: f.token_id,
            },
        )?;
        let row = Forwarded {
            jurisdiction: j,
            platform: f.platform.to_string(),
            platform_ref: f.platform_ref.as_str().to_owned(),
            case_number: receipt.case_number.to_string(),
            request_digest: digest,
            nonce: hex::encode(nonce),
            ledger_index: receipt.ledger_index,
            created_at: who.now.unix_timestamp(),
        };
        store::insert(tx.conn(), &row)?;
        // The receipt itself is the first public step.
        callbacks::tell(
            tx.conn(),
            &row,
            receipt.ledger_index,
            "received",
            CaseStatus::Received,
            who.now,
        )?;
        Ok(ForwardReceipt {
            case_number: receipt.case_number,
            query_code: receipt.query_code,
            ledger_index: receipt.ledger_index,
            replayed: false,
        })
    })
    .await
}
