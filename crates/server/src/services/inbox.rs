//! The applicant's inbox (issue #19 item 4): a message at every public step of a case, in the
//! site inbox at `/my` and as a text message through the [`CodeSender`].
//!
//! **Which steps.** Exactly those a platform is told of (`domain::platform::callback_step`, and
//! the licence's issue), from the same two places (`cases::Working::record` and the licence's
//! sealing in `cases::act_on`), in the step's own transaction: a step that rolls back tells
//! nobody, and a step is told once (one row per recipient and ledger index).
//!
//! **Who.** The applicant the case belongs to on the site:
//! - the account that applied online (the case's online application names its subject);
//! - the account of the case's contact mobile (`phone:<keyed digest>`), when someone has signed
//!   in with that number at least once (`applicant_accounts`). Proving the number with a
//!   one-time code is what a text message to it would prove anyway, so the inbox shows nothing
//!   a text message would not; an applicant who never used the site is not written to (the
//!   window's paper notices and the progress query serve them).
//!
//! **The text message.** One per step, to the case's contact mobile (a landline gets none),
//! with whichever inbox row is written first. The number waits in the row (a private table)
//! only until [`deliver_due`] hands it to the sender, which production plugs into the SMS
//! gateway; a sender that carries only codes, or none, leaves the message in the inbox alone.
//!
//! Messages are plain words naming the case number, the item and the step: no personal data,
//! no event kinds.

use oneseal_domain::case::{Applicant, Case, CaseEvent, Channel, PhoneNumber};
use oneseal_domain::platform::{LICENCE_ISSUED, callback_step};
use oneseal_store::applicant_messages::{self as rows, Message, NewMessage};
use oneseal_store::{Conn, Store, StoreError};
use time::OffsetDateTime;

use crate::services::applicant_identity::{CodeSender, SendError, phone_subject};
use crate::services::case_secrets::CaseSecrets;

/// The most messages an inbox lists.
pub const MAX_LISTED: u32 = 200;
/// Text messages handed to the sender per run of [`deliver_due`].
pub const BATCH: u32 = 50;

/// What a step says, in plain words.
#[must_use]
pub fn sentence(step: &str) -> &'static str {
    match step {
        "received" => "申请已收到，我们会尽快审查。",
        "one_time_notice" => {
            "申请材料需要补正：请在“我的申请”查看一次性告知的内容，并提交补正材料。"
        }
        "supplement_received" => "补正材料已收到。",
        "accepted" => "申请已受理，办理期限从今天起计算。",
        "not_accepted" => {
            "申请不予受理：请在“我的申请”查看不予受理决定书，其中写明理由和救济途径。"
        }
        "special_procedure_started" => {
            "办件进入听证、检验、检测、鉴定等特别程序，所需时间不计入办理期限。"
        }
        "special_procedure_ended" => "特别程序已结束，办件继续办理。",
        "extended" => "办理期限已依法延长：新的期限请在“我的申请”查看。",
        "decided" => "已作出决定：请在“我的申请”查看决定书。",
        LICENCE_ISSUED => "许可证已制发：请在“我的申请”查看或按约定领取。",
        "delivered" => "决定已送达，办件办结。欢迎在“我的申请”对本次服务作出评价。",
        "withdrawn" => "申请已撤回。",
        _ => "办件有新的进展：请在“我的申请”查看。",
    }
}

/// The whole text: who sends it, the case, the item, the step.
fn text(case: &Case, step: &str) -> String {
    let r = case.received();
    format!(
        "【行政审批服务局】办件 {}（{}）：{}",
        r.case_number,
        r.item.name.chars().take(60).collect::<String>(),
        sentence(step)
    )
}

fn contact_mobile(case: &Case) -> Option<&PhoneNumber> {
    let phone = match &case.received().applicant {
        Applicant::NaturalPerson { phone, .. } => phone,
        Applicant::Organisation { contact_phone, .. } => contact_phone,
    };
    phone.is_mobile().then_some(phone)
}

fn random_id() -> Result<String, StoreError> {
    let mut b = [0u8; 12];
    getrandom::fill(&mut b).map_err(|e| StoreError::Corrupt(format!("no randomness: {e}")))?;
    Ok(format!("MSG-{}", hex::encode(b)))
}

/// Tells the case's applicants of `step` (recorded at ledger index `idx`). The receipt of an
/// online application is told again once the application is linked to its case
/// (`online::receive`): its account was not known when the receipt was recorded.
///
/// # Errors
/// The store's failure (the step rolls back with it).
pub fn tell(
    conn: &mut dyn Conn,
    secrets: &CaseSecrets,
    case: &Case,
    step: &str,
    idx: u64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let number = case.received().case_number.as_str().to_owned();
    let mut to: Vec<String> = Vec::new();
    if case.received().channel == Channel::Online {
        // A "one thing" application online is linked to its first case, the application.
        let linked = case
            .received()
            .bundle
            .as_ref()
            .map_or(number.as_str(), |b| b.application.as_str());
        if let Some(row) = oneseal_store::online_applications::of_case(conn, linked)? {
            to.push(row.subject);
        }
    }
    let mobile = contact_mobile(case);
    if let (true, Some(phone)) = (to.is_empty(), mobile) {
        // A window case: its contact mobile alone, told in one write, without waiting for a
        // read of its account (which it seldom has) on the writer.
        let id = random_id()?;
        return rows::insert_if_account(
            conn,
            &NewMessage {
                id: &id,
                subject: &phone_subject(secrets, phone),
                case_number: &number,
                idx,
                step,
                text: &text(case, step),
                created_at: now.unix_timestamp(),
                sms_to: Some(phone.as_str()),
            },
        );
    }
    if let Some(phone) = mobile {
        let subject = phone_subject(secrets, phone);
        if rows::has_account(conn, &subject)? {
            to.push(subject);
        }
    }
    to.sort();
    to.dedup();
    if to.is_empty() {
        return Ok(());
    }
    let mut sms = if rows::step_told(conn, &number, idx)? {
        None
    } else {
        mobile.map(|p| p.as_str().to_owned())
    };
    let text = text(case, step);
    for subject in &to {
        let id = random_id()?;
        rows::insert(
            conn,
            &NewMessage {
                id: &id,
                subject,
                case_number: &number,
                idx,
                step,
                text: &text,
                created_at: now.unix_timestamp(),
                sms_to: sms.take().as_deref(),
            },
        )?;
    }
    Ok(())
}

/// After a case step recorded at `idx`: its applicants are told, when it is a public step.
///
/// # Errors
/// The store's failure.
pub fn after_step(
    conn: &mut dyn Conn,
    secrets: &CaseSecrets,
    case: &Case,
    event: &CaseEvent,
    idx: u64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    match callback_step(event) {
        Some(step) => tell(conn, secrets, case, step, idx, now),
        None => Ok(()),
    }
}

/// After a licence was sealed (its `document.sealed` entry at `idx`).
///
/// # Errors
/// The store's failure.
pub fn after_licence(
    conn: &mut dyn Conn,
    secrets: &CaseSecrets,
    case: &Case,
    idx: u64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tell(conn, secrets, case, LICENCE_ISSUED, idx, now)
}

/// A subject's inbox: the unread count and the newest messages.
#[derive(Debug, serde::Serialize)]
pub struct Inbox {
    pub unread: u64,
    pub messages: Vec<Message>,
}

/// The inbox of `subject`.
///
/// # Errors
/// The store's.
pub async fn inbox(store: &Store, subject: String) -> Result<Inbox, StoreError> {
    store
        .read(move |c| {
            Ok(Inbox {
                unread: rows::unread(c, &subject)?,
                messages: rows::inbox(c, &subject, MAX_LISTED)?,
            })
        })
        .await
}

/// Marks message `id` (or, `None`, every message) of `subject` read; whether any was found.
///
/// # Errors
/// The store's.
pub async fn mark_read(
    store: &Store,
    subject: String,
    id: Option<String>,
    now: i64,
) -> Result<u64, StoreError> {
    store
        .write(move |tx| rows::mark_read(tx.conn(), &subject, id.as_deref(), now))
        .await
}

/// Hands the waiting text messages to the sender (background work, every two seconds while
/// this process leads); returns how many were sent. Each is tried once: a refusal or failure
/// leaves the message in the inbox and forgets the number.
///
/// # Errors
/// The store's.
pub async fn deliver_due(
    store: &Store,
    sender: &dyn CodeSender,
    now: i64,
) -> Result<usize, StoreError> {
    let due = store.read(|c| rows::due(c, BATCH)).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut done = Vec::with_capacity(due.len());
    for d in due {
        let sent = match PhoneNumber::parse(&d.sms_to) {
            Ok(phone) => match sender.send_message(&phone, &d.text) {
                Ok(()) => true,
                Err(SendError::Unavailable) => false,
                Err(e) => {
                    tracing::warn!(message = %d.id, error = %e, "an applicant's message was not sent");
                    false
                }
            },
            Err(_) => false,
        };
        done.push((d.id, sent));
    }
    let sent = done.iter().filter(|(_, s)| *s).count();
    store
        .write(move |tx| -> Result<(), StoreError> {
            for (id, ok) in &done {
                rows::handed_over(tx.conn(), id, *ok, now)?;
            }
            Ok(())
        })
        .await?;
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_public_step_has_plain_words() {
        for step in oneseal_domain::platform::STEPS {
            let s = sentence(step);
            assert!(!s.contains('_') && !s.is_ascii(), "{step}: {s}");
            assert_ne!(s, sentence("no-such-step"), "{step}");
        }
    }
}
