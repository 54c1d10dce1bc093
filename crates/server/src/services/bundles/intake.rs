//! One application for a bundle (一次申请): the combined form checked once, the materials given
//! once and handed to every item that lists them, then one ordinary case per item registered in
//! one transaction, each receipt carrying the bundle link. One query code serves all the cases.
//! Like single intake, a request is registered at most once per idempotency key.

use oneseal_domain::bundle::{Bundle, BundleLink, RefusalPolicy, distribute};
use oneseal_domain::case::{
    CaseNumber, CheckedIntake, FieldError, IntakeField, IntakeInput, QueryCode,
};
use oneseal_store::{Conn, Store, Tx};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::catalog::{BundleError, find, items_in};
use crate::services::cases::{Acting, CaseServiceError, Prepared, register};
use crate::services::idempotency::{Attempt, IdempotencyKey};

/// One case the application opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedCase {
    pub case_number: CaseNumber,
    pub item_code: String,
    pub item_name: String,
    pub ledger_index: u64,
}

/// What the clerk gets back: the only time the query code is shown.
#[derive(Debug, Clone)]
pub struct BundleReceipt {
    pub bundle: String,
    /// 一件事申请号: the first case's number.
    pub application: String,
    pub query_code: QueryCode,
    pub cases: Vec<OpenedCase>,
    pub replayed: bool,
}

/// The first answer as an idempotency key keeps it: the nonce, not the code.
#[derive(Serialize, Deserialize)]
struct FirstAnswer {
    application: String,
    cases: Vec<OpenedCase>,
    nonce: String,
}

/// The application checked off the writer: one prepared case per item.
pub struct PreparedBundle {
    bundle: &'static Bundle,
    cases: Vec<Prepared>,
    /// The request as the idempotency digest reads it.
    canonical: serde_json::Value,
}

fn unlisted(i: usize) -> FieldError {
    FieldError::new(
        IntakeField::MaterialName(i),
        "not_in_bundle",
        "该材料不在本“一件事”的材料清单中".into(),
        "No item of this bundle lists this material".into(),
    )
}

/// The items whose 告知承诺 the applicant signs (`input.commitments`, in the bundle's order,
/// each once), and the problems: a code no item of the bundle has, an item not under the
/// regime, or the single-item `commitment` flag, which names no item's text.
fn commitments(
    input: &IntakeInput,
    items: &[oneseal_domain::catalog::Item],
) -> (Vec<String>, Vec<FieldError>) {
    let mut refused = Vec::new();
    if input.commitment {
        refused.push(FieldError::new(
            IntakeField::Commitment(0),
            "commitment_per_item",
            "“一件事”申请按事项签署告知承诺：请在 commitments 中列出所签事项的编码".into(),
            "A bundle signs each item's commitment: list the items' codes in commitments".into(),
        ));
    }
    for (i, code) in input.commitments.iter().enumerate() {
        match items
            .iter()
            .find(|it| it.basic_code.as_str() == code.trim())
        {
            None => refused.push(FieldError::new(
                IntakeField::Commitment(i),
                "not_in_bundle",
                "该事项不在本“一件事”中".into(),
                "No item of this bundle has this code".into(),
            )),
            Some(it) if it.legal.commitment.is_none() => {
                let e = oneseal_domain::commitment::CommitmentError::NotOffered;
                refused.push(FieldError::new(
                    IntakeField::Commitment(i),
                    e.code(),
                    format!("{}：{}", it.name, e.message_zh()),
                    e.to_string(),
                ));
            }
            Some(_) => {}
        }
    }
    let signed = items
        .iter()
        .map(|it| it.basic_code.as_str().to_owned())
        .filter(|c| input.commitments.iter().any(|s| s.trim() == c))
        .collect();
    (signed, refused)
}

/// Checks the combined form of bundle `code` in `j` and splits its materials among the items.
///
/// # Errors
/// `UnknownBundle`; `Unavailable` when `j`'s catalog lacks an item; `Case(Invalid)` with every
/// field's problem.
pub fn prepare(
    conn: &mut dyn Conn,
    j: &str,
    code: &str,
    input: &IntakeInput,
) -> Result<PreparedBundle, BundleError> {
    let bundle = find(code)?;
    let items = items_in(conn, j, bundle)?;
    let first = items
        .first()
        .ok_or_else(|| BundleError::Unavailable(code.to_owned()))?;
    let mut whole = input.clone();
    whole.item_code = first.basic_code.as_str().to_owned();
    whole.commitment = false;
    let refs: Vec<&oneseal_domain::catalog::Item> = items.iter().collect();
    let names: Vec<&str> = input.materials.iter().map(|(n, _)| n.as_str()).collect();
    let split = distribute(&refs, &names);
    let (signed, refused) = commitments(input, &items);
    let checked = match (whole.check(), split) {
        (Ok(checked), Ok(split)) if refused.is_empty() => (checked, split),
        (checked, split) => {
            let mut errors = checked.err().unwrap_or_default();
            if let Err(bad) = split {
                errors.extend(bad.into_iter().map(unlisted));
            }
            errors.extend(refused);
            return Err(CaseServiceError::Invalid(errors).into());
        }
    };
    let (checked, split) = checked;
    let mut canonical = json!({
        "bundle": bundle.code,
        "channel": checked.channel,
        "applicant": checked.applicant,
        "address": checked.address,
        "materials": checked.materials,
    });
    // Only when given, so the digests of requests without it stay what they were.
    if let (false, Some(m)) = (signed.is_empty(), canonical.as_object_mut()) {
        m.insert("commitments".into(), json!(signed));
    }
    let of = u16::try_from(items.len()).unwrap_or(u16::MAX);
    let cases = items
        .into_iter()
        .zip(split)
        .enumerate()
        .map(|(k, (item, given))| Prepared {
            checked: CheckedIntake {
                item_code: item.basic_code.as_str().to_owned(),
                channel: checked.channel,
                applicant: checked.applicant.clone(),
                address: checked.address.clone(),
                representation: checked.representation.clone(),
                materials: given
                    .iter()
                    .filter_map(|g| checked.materials.get(*g).cloned())
                    .collect(),
                // 告知承诺 (issue #19 item 5): signed on this item's case, with its own text.
                commitment: signed.iter().any(|c| c == item.basic_code.as_str()),
            },
            item,
            joint_handling: false,
            bundle: Some(BundleLink {
                code: bundle.code.clone(),
                // Filled on the writer, where the first case's number is known.
                application: String::new(),
                position: u16::try_from(k + 1).unwrap_or(u16::MAX),
                of,
                blocks: bundle.refusal == RefusalPolicy::BlocksOthers,
            }),
        })
        .collect();
    Ok(PreparedBundle {
        bundle,
        cases,
        canonical,
    })
}

fn scope(who: &Acting) -> String {
    format!(
        "bundle.intake/{}/{}",
        who.jurisdiction.as_str(),
        who.staff.as_str()
    )
}

/// Registers the application's cases, or answers the first registration made with `key`.
///
/// # Errors
/// `Idempotency(Reused)` when `key` registered another application; each case's intake
/// refusals (an Art. 78–79 ban on one item refuses the whole application, nothing is written).
pub fn register_bundle(
    tx: &mut Tx<'_>,
    who: &Acting,
    p: PreparedBundle,
    key: Option<&IdempotencyKey>,
    nonce: [u8; 32],
) -> Result<BundleReceipt, CaseServiceError> {
    register_bundle_at(tx, who, p, key, nonce, None)
}

/// [`register_bundle`] of an application the applicant submitted online at `submitted_at`:
/// every case is received at that time (Art. 33), as a single online application is.
///
/// # Errors
/// As [`register_bundle`].
pub fn register_bundle_at(
    tx: &mut Tx<'_>,
    who: &Acting,
    p: PreparedBundle,
    key: Option<&IdempotencyKey>,
    nonce: [u8; 32],
    submitted_at: Option<time::OffsetDateTime>,
) -> Result<BundleReceipt, CaseServiceError> {
    let digest = who
        .secrets
        .request_digest(p.canonical.to_string().as_bytes());
    let scope = scope(who);
    let attempt = key.map(|key| Attempt {
        scope: &scope,
        key,
        digest: &digest,
        now: who.now.unix_timestamp(),
    });
    let code = p.bundle.code.as_str().to_owned();
    if let Some(a) = &attempt
        && let Some(first) = a.replay::<FirstAnswer>(tx.conn())?
    {
        let nonce =
            hex::decode(&first.nonce).map_err(|e| CaseServiceError::Corrupt(e.to_string()))?;
        return Ok(BundleReceipt {
            bundle: code,
            application: first.application,
            query_code: who.secrets.intake_code(&nonce),
            cases: first.cases,
            replayed: true,
        });
    }
    // The first case takes the next number; every receipt names it as the application.
    let application =
        crate::services::cases::next_case_number(tx, &who.jurisdiction, who.now)?.to_string();
    let mut cases = Vec::with_capacity(p.cases.len());
    let mut query_code = None;
    for mut prepared in p.cases {
        if let Some(link) = prepared.bundle.as_mut() {
            link.application.clone_from(&application);
        }
        let (item_code, item_name) = (
            prepared.item.basic_code.as_str().to_owned(),
            prepared.item.name.clone(),
        );
        let receipt = register(tx, who, prepared, None, nonce, submitted_at)?;
        if cases.is_empty() && receipt.case_number.as_str() != application {
            return Err(CaseServiceError::Corrupt(format!(
                "bundle application {application} opened case {} first",
                receipt.case_number
            )));
        }
        cases.push(OpenedCase {
            case_number: receipt.case_number,
            item_code,
            item_name,
            ledger_index: receipt.ledger_index,
        });
        query_code = Some(receipt.query_code);
    }
    let query_code = query_code.ok_or_else(|| CaseServiceError::Corrupt("empty bundle".into()))?;
    if let Some(a) = &attempt {
        a.remember(
            tx.conn(),
            &FirstAnswer {
                application: application.clone(),
                cases: cases.clone(),
                nonce: hex::encode(nonce),
            },
        )?;
    }
    Ok(BundleReceipt {
        bundle: code,
        application,
        query_code,
        cases,
        replayed: false,
    })
}

/// Checks the application off the writer, then registers it on the writer, once per `key`.
///
/// # Errors
/// As [`prepare`] and [`register_bundle`].
pub async fn register_once(
    store: &Store,
    who: Acting,
    code: String,
    input: IntakeInput,
    key: Option<IdempotencyKey>,
) -> Result<BundleReceipt, BundleError> {
    let j = who.jurisdiction.as_str().to_owned();
    let prepared = store.lookup(move |c| prepare(c, &j, &code, &input)).await?;
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce)
        .map_err(|e| CaseServiceError::Corrupt(format!("no randomness: {e}")))?;
    Ok(store
        .write(move |tx| register_bundle(tx, &who, prepared, key.as_ref(), nonce))
        .await?)
}
