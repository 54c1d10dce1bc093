//! Intake (收件) as the window form and the API both do it: every field checked by the domain
//! and reported together, the item found in the jurisdiction's catalog, and the case registered
//! at most once per idempotency key.
//!
//! The query code is the one secret of a receipt, and a repeated request must get the same one
//! back. So the code is derived from a random nonce under the case secrets' key
//! (`CaseSecrets::intake_code`); the nonce is what an idempotency key keeps, never the code, and
//! the database still holds no query code.

use oneseal_domain::case::{
    CaseNumber, CheckedIntake, FieldError, IntakeField, IntakeInput, QueryCode,
};
use oneseal_domain::catalog::Item;
use oneseal_domain::org::DivisionCode;
use oneseal_store::{Conn, Store, Tx};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Acting, CaseServiceError, IntakeRequest, intake};
use crate::services::catalog::find_item;
use crate::services::idempotency::{Attempt, IdempotencyKey};

/// An application whose fields checked out and whose item exists.
pub struct Prepared {
    pub checked: CheckedIntake,
    pub item: Item,
    pub joint_handling: bool,
    /// The "one thing" application the case is part of (set by `services::bundles`).
    pub bundle: Option<oneseal_domain::bundle::BundleLink>,
}

/// What a clerk or a system gets back: the only time the query code is shown.
#[derive(Debug, Clone)]
pub struct IntakeReceipt {
    pub case_number: CaseNumber,
    pub query_code: QueryCode,
    pub ledger_index: u64,
    /// Whether this answers an earlier request with the same idempotency key.
    pub replayed: bool,
}

/// The first answer as an idempotency key keeps it: the nonce, not the code.
#[derive(Serialize, Deserialize)]
struct FirstAnswer {
    case_number: CaseNumber,
    ledger_index: u64,
    nonce: String,
}

/// Checks every field of `input` and looks its item up in `j`'s catalog.
///
/// # Errors
/// [`CaseServiceError::Invalid`] with every field's problem (an unknown item among them).
pub fn prepare(
    conn: &mut dyn Conn,
    j: &DivisionCode,
    input: &IntakeInput,
    joint_handling: bool,
) -> Result<Prepared, CaseServiceError> {
    let checked = input.check();
    let code = input.item_code.trim();
    let item = if code.is_empty() {
        None
    } else {
        find_item(conn, j, code)?.map(|(item, _)| item)
    };
    // 告知承诺 only for an item under the regime (issue #19 item 5).
    let not_offered =
        input.commitment && item.as_ref().is_some_and(|i| i.legal.commitment.is_none());
    // `commitments` names a bundle's items; one item signs with `commitment`.
    let per_item = !input.commitments.is_empty();
    if not_offered || per_item {
        let e = oneseal_domain::commitment::CommitmentError::NotOffered;
        let mut errors = checked.err().unwrap_or_default();
        if not_offered {
            errors.push(FieldError::new(
                IntakeField::Item,
                e.code(),
                e.message_zh().into(),
                e.to_string(),
            ));
        }
        if per_item {
            errors.push(FieldError::new(
                IntakeField::Commitment(0),
                "commitments_bundle_only",
                "单项申请以 commitment 签署告知承诺，commitments 仅用于“一件事”申请".into(),
                "One item signs with commitment; commitments is for a bundle".into(),
            ));
        }
        return Err(CaseServiceError::Invalid(errors));
    }
    match (checked, item) {
        (Ok(checked), Some(item)) => Ok(Prepared {
            checked,
            item,
            joint_handling,
            bundle: None,
        }),
        (checked, item) => {
            let mut errors = checked.err().unwrap_or_default();
            if item.is_none() && !code.is_empty() {
                errors.insert(
                    0,
                    FieldError::new(
                        IntakeField::Item,
                        "unknown_item",
                        "本辖区事项目录中没有该事项，请从列表中选择".into(),
                        "No such item in this jurisdiction's catalog".into(),
                    ),
                );
            }
            Err(CaseServiceError::Invalid(errors))
        }
    }
}

/// Who asks, for the idempotency scope: a key belongs to one member of staff in one bureau.
fn scope(who: &Acting) -> String {
    format!(
        "case.intake/{}/{}",
        who.jurisdiction.as_str(),
        who.staff.as_str()
    )
}

/// Registers the application, or answers the first registration made with `key`.
///
/// # Errors
/// `Idempotency(Reused)` when `key` registered a different application; the intake's own
/// refusals otherwise.
pub fn register(
    tx: &mut Tx<'_>,
    who: &Acting,
    p: Prepared,
    key: Option<&IdempotencyKey>,
    nonce: [u8; 32],
    submitted_at: Option<time::OffsetDateTime>,
) -> Result<IntakeReceipt, CaseServiceError> {
    let c = &p.checked;
    let mut canonical = json!({
        "item": c.item_code,
        "joint_handling": p.joint_handling,
        "channel": c.channel,
        "applicant": c.applicant,
        "materials": c.materials,
    });
    // Only when given, so the digests of requests without it stay what they were.
    if let (Some(at), Some(m)) = (submitted_at, canonical.as_object_mut()) {
        m.insert("submitted_at".into(), at.unix_timestamp().into());
    }
    if let (true, Some(m)) = (c.commitment, canonical.as_object_mut()) {
        m.insert("commitment".into(), true.into());
    }
    if let (Some(rep), Some(m)) = (&c.representation, canonical.as_object_mut()) {
        m.insert("representation".into(), json!(rep));
    }
    let digest = who.secrets.request_digest(canonical.to_string().as_bytes());
    let scope = scope(who);
    let attempt = key.map(|key| Attempt {
        scope: &scope,
        key,
        digest: &digest,
        now: who.now.unix_timestamp(),
    });
    if let Some(a) = &attempt
        && let Some(first) = a.replay::<FirstAnswer>(tx.conn())?
    {
        let nonce = hex::decode(&first.nonce).map_err(super::corrupt)?;
        return Ok(IntakeReceipt {
            case_number: first.case_number,
            query_code: who.secrets.intake_code(&nonce),
            ledger_index: first.ledger_index,
            replayed: true,
        });
    }
    let query_code = who.secrets.intake_code(&nonce);
    let req = IntakeRequest {
        item: p.item,
        joint_handling: p.joint_handling,
        channel: p.checked.channel,
        applicant: p.checked.applicant,
        materials: p.checked.materials,
        licence: None,
        submitted_at,
        address: p.checked.address,
        bundle: p.bundle,
        commitment: p.checked.commitment,
        representation: p.checked.representation,
    };
    // Art. 78–79: a banned applicant's application for this item is refused.
    if let Some(ban) = crate::services::licences::linked::ban_on(
        tx.conn(),
        &who.jurisdiction,
        req.item.basic_code.as_str(),
        &req.applicant,
        oneseal_domain::case::legal_date(who.now),
    )
    .map_err(|e| CaseServiceError::Licence(Box::new(e)))?
    {
        return Err(CaseServiceError::Banned(ban));
    }
    let (case_number, ledger_index) = intake(tx, who, req, &query_code)?;
    if let Some(a) = &attempt {
        let first = FirstAnswer {
            case_number: case_number.clone(),
            ledger_index,
            nonce: hex::encode(nonce),
        };
        a.remember(tx.conn(), &first)?;
    }
    Ok(IntakeReceipt {
        case_number,
        query_code,
        ledger_index,
        replayed: false,
    })
}

/// Checks `input` and finds its item off the writer, then registers it on the writer, once
/// per `key`: what the API and the intake page both do.
///
/// # Errors
/// `Invalid` with every field's problem; `Idempotency` for a reused key; the intake's own.
pub async fn register_once(
    store: &Store,
    who: Acting,
    input: IntakeInput,
    joint_handling: bool,
    key: Option<IdempotencyKey>,
    submitted_at: Option<time::OffsetDateTime>,
) -> Result<IntakeReceipt, CaseServiceError> {
    let j = who.jurisdiction.clone();
    let prepared = store
        .lookup(move |c| prepare(c, &j, &input, joint_handling))
        .await?;
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce)
        .map_err(|e| CaseServiceError::Corrupt(format!("no randomness: {e}")))?;
    store
        .write(move |tx| register(tx, &who, prepared, key.as_ref(), nonce, submitted_at))
        .await
}
