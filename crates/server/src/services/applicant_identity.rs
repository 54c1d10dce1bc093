//! Who an applicant is (issue #19 item 3): in the demo, a mainland mobile number proven by a
//! six-digit one-time code sent through a [`CodeSender`]; the applicant session that follows is
//! a principal of its own, apart from staff sessions (`services::sessions`), and never reaches a
//! staff route (the staff extractor reads only the staff cookie).
//!
//! An applicant is named by a *subject* that holds no personal data: `phone:<keyed digest>` here
//! (the key is the case secrets' query key, so a leaked table does not give the numbers back by
//! trying all 10¹¹ of them). The province's identity service through OpenID Connect ([`oidc`])
//! opens the same [`open_session`] with a subject `oidc:<issuer>#<sub>` and a label, and
//! everything after sign-in (sessions, online applications) keys on the subject only.
//!
//! Codes: [`CODE_SECONDS`] to live, single-use, stored as keyed digests, at most [`MAX_FAILURES`]
//! wrong guesses each; one a [`RESEND_SECONDS`] per number and [`MAX_PER_HOUR`] an hour, and
//! [`MAX_PER_ADDRESS_HOUR`] an hour per client address (`sender::AddressLimiter`).

pub mod oidc;
pub mod sender;

use oneseal_domain::case::PhoneNumber;
use oneseal_store::Store;
use oneseal_store::applicant_sessions::{self as rows, NewApplicantSession, NewCode};

use crate::services::case_secrets::CaseSecrets;
use crate::services::sessions::{random_token, token_hash};
pub use sender::{AddressLimiter, CodeSender, DemoOutbox, DemoSender, NoSender, SendError};

/// How long a code may be used.
pub const CODE_SECONDS: i64 = 300;
/// How soon the same number may be sent another code.
pub const RESEND_SECONDS: i64 = 60;
/// Codes a number may be sent in an hour.
pub const MAX_PER_HOUR: u64 = 5;
/// Codes one client address may ask for in an hour (any numbers).
pub const MAX_PER_ADDRESS_HOUR: u32 = 20;
/// Wrong guesses a code takes before it is spent.
pub const MAX_FAILURES: u32 = 5;
/// How long an applicant session lasts.
pub const APPLICANT_SESSION_SECONDS: i64 = 2 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// Not a mainland mobile number.
    #[error("not a mobile number")]
    BadPhone,
    /// A code that is not six digits.
    #[error("a code is six digits")]
    BadCode,
    /// No live code for the number, or the wrong one.
    #[error("wrong or expired code")]
    WrongCode,
    /// A code for this number was sent less than a minute ago, or five this hour, or this
    /// address asked for too many.
    #[error("too many codes; retry in {retry_after} s")]
    TooManyCodes { retry_after: i64 },
    /// The code took too many wrong guesses: a new one must be asked for.
    #[error("too many wrong codes")]
    TooManyGuesses,
    /// The server has no way to send codes (no sender configured).
    #[error(transparent)]
    Send(#[from] SendError),
    #[error(transparent)]
    Session(#[from] crate::services::sessions::SessionError),
    #[error(transparent)]
    Store(#[from] oneseal_store::StoreError),
}

/// A mobile number as typed, or [`IdentityError::BadPhone`].
///
/// # Errors
/// [`IdentityError::BadPhone`] for anything but a mainland mobile number.
pub fn parse_mobile(text: &str) -> Result<PhoneNumber, IdentityError> {
    if text.chars().count() > PhoneNumber::MAX_INPUT {
        return Err(IdentityError::BadPhone);
    }
    PhoneNumber::parse(text)
        .ok()
        .filter(PhoneNumber::is_mobile)
        .ok_or(IdentityError::BadPhone)
}

/// The subject of a phone number (see the module doc).
#[must_use]
pub fn phone_subject(secrets: &CaseSecrets, phone: &PhoneNumber) -> String {
    let digest =
        secrets.request_digest(format!("oneseal/applicant-phone/v1:{}", phone.as_str()).as_bytes());
    format!("phone:{digest}")
}

fn code_hash(secrets: &CaseSecrets, subject: &str, code: &str) -> String {
    secrets.request_digest(format!("oneseal/applicant-code/v1:{subject}:{code}").as_bytes())
}

/// Six random digits, uniformly (rejection sampling over 20 bits).
fn random_code() -> Result<String, IdentityError> {
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b)
            .map_err(|e| crate::services::sessions::SessionError::Randomness(e.to_string()))?;
        let n = u32::from_le_bytes(b) & 0x000F_FFFF;
        if n < 1_000_000 {
            return Ok(format!("{n:06}"));
        }
    }
}

/// What [`issue_code`] needs.
pub struct Issue<'a> {
    pub store: &'a Store,
    pub secrets: &'a CaseSecrets,
    pub sender: &'a dyn CodeSender,
    pub now: i64,
}

/// Sends a new code to `phone` unless a limit refuses; returns how long it lives.
///
/// # Errors
/// [`IdentityError::TooManyCodes`] with the seconds to wait; the sender's and store's failures.
pub async fn issue_code(i: Issue<'_>, phone: &PhoneNumber) -> Result<i64, IdentityError> {
    let subject = phone_subject(i.secrets, phone);
    let code = random_code()?;
    let hash = code_hash(i.secrets, &subject, &code);
    let now = i.now;
    let refused = i
        .store
        .write(move |tx| -> Result<Option<i64>, IdentityError> {
            let (count, latest) = rows::codes_since(tx.conn(), &subject, now - 3600)?;
            if let Some(latest) = latest
                && latest > now - RESEND_SECONDS
            {
                return Ok(Some(latest + RESEND_SECONDS - now));
            }
            if count >= MAX_PER_HOUR {
                return Ok(Some(3600));
            }
            rows::delete_expired_codes(tx.conn(), now - 3600)?;
            rows::insert_code(
                tx.conn(),
                &NewCode {
                    subject: &subject,
                    code_hash: &hash,
                    created_at: now,
                    expires_at: now + CODE_SECONDS,
                },
            )?;
            Ok(None)
        })
        .await?;
    if let Some(retry_after) = refused {
        return Err(IdentityError::TooManyCodes {
            retry_after: retry_after.max(1),
        });
    }
    let text = format!(
        "【行政审批服务局】您的登录验证码为 {code}，{} 分钟内有效。请勿告诉他人。",
        CODE_SECONDS / 60
    );
    i.sender.send(phone, &code, &text)?;
    Ok(CODE_SECONDS)
}

/// A new applicant session.
#[derive(Debug)]
pub struct ApplicantSession {
    pub token: String,
    pub csrf: String,
    /// What the applicant's pages show of who is signed in (`138****5678`).
    pub label: String,
}

enum Checked {
    Session(ApplicantSession),
    Wrong,
    Exhausted,
}

/// Checks `code` for `phone` and opens a session; the code is spent on success, and each wrong
/// guess counts (committed even though the answer is a refusal).
///
/// # Errors
/// [`IdentityError::BadCode`], [`IdentityError::WrongCode`], [`IdentityError::TooManyGuesses`].
pub async fn sign_in(
    store: &Store,
    secrets: &CaseSecrets,
    phone: &PhoneNumber,
    code: &str,
    now: i64,
) -> Result<ApplicantSession, IdentityError> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentityError::BadCode);
    }
    let subject = phone_subject(secrets, phone);
    let hash = code_hash(secrets, &subject, code);
    let label = phone.masked();
    let token = random_token()?;
    let csrf = random_token()?;
    let checked = store
        .write(move |tx| -> Result<Checked, IdentityError> {
            let Some(live) = rows::live_code(tx.conn(), &subject, now)? else {
                return Ok(Checked::Wrong);
            };
            if live.failures >= MAX_FAILURES {
                return Ok(Checked::Exhausted);
            }
            use subtle::ConstantTimeEq;
            if !bool::from(live.code_hash.as_bytes().ct_eq(hash.as_bytes())) {
                rows::record_failure(tx.conn(), &subject, live.created_at)?;
                return Ok(if live.failures + 1 >= MAX_FAILURES {
                    Checked::Exhausted
                } else {
                    Checked::Wrong
                });
            }
            if !rows::use_code(tx.conn(), &subject, live.created_at)? {
                return Ok(Checked::Wrong);
            }
            Ok(Checked::Session(open_session(
                tx.conn(),
                &subject,
                &label,
                token,
                csrf,
                now,
            )?))
        })
        .await?;
    match checked {
        Checked::Session(s) => Ok(s),
        Checked::Wrong => Err(IdentityError::WrongCode),
        Checked::Exhausted => Err(IdentityError::TooManyGuesses),
    }
}

/// Opens an applicant session for `subject` (the one-time code's and OpenID Connect's sign-in).
///
/// # Errors
/// The store's.
pub fn open_session(
    conn: &mut dyn oneseal_store::Conn,
    subject: &str,
    label: &str,
    token: String,
    csrf: String,
    now: i64,
) -> Result<ApplicantSession, oneseal_store::StoreError> {
    // An account from now on: cases received at the window for its number reach its inbox.
    oneseal_store::applicant_messages::note_account(conn, subject, now)?;
    rows::insert_session(
        conn,
        &NewApplicantSession {
            token_hash: &token_hash(&token),
            subject,
            label,
            csrf: &csrf,
            created_at: now,
            expires_at: now + APPLICANT_SESSION_SECONDS,
        },
    )?;
    Ok(ApplicantSession {
        token,
        csrf,
        label: label.to_owned(),
    })
}

/// A signed-in applicant.
#[derive(Clone, Debug)]
pub struct Applicant {
    pub subject: String,
    pub label: String,
    pub csrf: String,
}

/// The applicant behind a session token, unless it expired.
///
/// # Errors
/// The store's.
pub fn session_applicant(
    conn: &mut dyn oneseal_store::Conn,
    token: &str,
    now: i64,
) -> Result<Option<Applicant>, oneseal_store::StoreError> {
    Ok(
        rows::live_session(conn, &token_hash(token), now)?.map(|r| Applicant {
            subject: r.subject,
            label: r.label,
            csrf: r.csrf,
        }),
    )
}

/// Ends the session of `token`.
///
/// # Errors
/// The store's.
pub fn end_session(
    conn: &mut dyn oneseal_store::Conn,
    token: &str,
) -> Result<(), oneseal_store::StoreError> {
    rows::delete_session(conn, &token_hash(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..200 {
            let c = random_code().unwrap();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn only_mobiles_sign_in() {
        assert!(parse_mobile("138 0013 8000").is_ok());
        assert!(parse_mobile("0531-86001234").is_err());
        assert!(parse_mobile("12").is_err());
    }

    #[test]
    fn subjects_hold_no_number_and_differ_per_number() {
        let s = CaseSecrets::from_root(&[7; 32]);
        let a = phone_subject(&s, &parse_mobile("13800138000").unwrap());
        let b = phone_subject(&s, &parse_mobile("13800138001").unwrap());
        assert!(a.starts_with("phone:") && !a.contains("13800138000"));
        assert_ne!(a, b);
    }
}
