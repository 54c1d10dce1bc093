//! The one seal at work: the registry in the database (made, registered, rotated) and the
//! bureau seal's key, decrypted once and kept in memory ([`SealKeys`]). The seal signs in one
//! place only, `cases::documents` (a step's document, drafted by the workflow when it seals a
//! decision or a voucher), never for an endpoint that takes arbitrary bytes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use oneseal_domain::event::{Actor, Event};
use oneseal_domain::org::{DepartmentCode, DivisionCode};
use oneseal_domain::seal::{Revocation, SealKind, SealRecord, SealUseError, check_one_active};
use oneseal_seal::keystore::{decrypt_private_key, encrypt_private_key};
use oneseal_seal::rand_core::UnwrapErr;
use oneseal_seal::{
    RoundSealSpec, Seal, SealInfo, SealPicture, SealPrivateKey, SealTime, render_round_seal_svg,
};
use oneseal_store::{Store, StoreError};
use time::OffsetDateTime;
use time::macros::datetime;

use crate::services::commands::Meta;
use crate::services::ledger::keys::MasterKey;

pub use oneseal_store::seals::{bureau_seals, registry};

/// Why the seal could not be made, registered, rotated or used.
#[derive(Debug, thiserror::Error)]
pub enum SealingError {
    /// The jurisdiction's registry holds no approval seal of the bureau.
    #[error("no approval seal is registered")]
    NoSeal,
    /// A rotation found no approval seal in use to replace.
    #[error("no active approval seal to rotate")]
    NoActiveSeal,
    /// The registry refuses this use of the seal (revoked, expired, not an approval seal, or
    /// a second active one).
    #[error(transparent)]
    Refused(#[from] SealUseError),
    #[error("no such jurisdiction")]
    UnknownJurisdiction,
    #[error("the seal's key is not loaded")]
    KeyNotLoaded,
    /// Keys, randomness, encodings, signatures: never the user's fault.
    #[error("sealing: {0}")]
    Crypto(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A time as GB/T 38540 structures hold it.
pub(crate) fn seal_time(t: OffsetDateTime) -> Result<SealTime, SealingError> {
    let secs = u64::try_from(t.unix_timestamp()).map_err(|_| internal("time before 1970"))?;
    SealTime::from_unix_seconds(secs).map_err(internal)
}

fn internal(e: impl std::fmt::Display) -> SealingError {
    SealingError::Crypto(e.to_string())
}

fn fresh_key() -> Result<SealPrivateKey, SealingError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(internal)?;
    SealPrivateKey::from_seed(&seed).map_err(internal)
}

/// What a new seal says about itself.
struct NewSeal<'a> {
    es_id: &'a str,
    name: &'a str,
    arc_text: &'a str,
    bottom: &'a str,
    from: OffsetDateTime,
    to: OffsetDateTime,
}

/// Makes a GB/T 38540 seal for `signer`, signed by the jurisdiction's seal maker.
fn make_seal(
    n: &NewSeal<'_>,
    signer: &SealPrivateKey,
    maker: &SealPrivateKey,
) -> Result<Seal, SealingError> {
    let NewSeal {
        es_id,
        name,
        arc_text,
        bottom,
        from,
        to,
    } = *n;
    let svg =
        render_round_seal_svg(&RoundSealSpec::standard(arc_text, bottom)).map_err(internal)?;
    let info = SealInfo {
        es_id: es_id.to_owned(),
        vendor_id: "oneseal".into(),
        seal_type: 1,
        name: name.to_owned(),
        signers: vec![signer.public_key()],
        create_date: seal_time(from)?,
        valid_start: seal_time(from)?,
        valid_end: seal_time(to)?,
        picture: SealPicture {
            format: "SVG".into(),
            data: svg.into_bytes(),
            width_mm: 42,
            height_mm: 42,
        },
        extensions: Vec::new(),
    };
    Seal::make(&info, maker).map_err(internal)
}

fn record(
    seal: &Seal,
    jurisdiction: &DivisionCode,
    department: &str,
    kind: SealKind,
    from: OffsetDateTime,
    to: OffsetDateTime,
    signer: &SealPrivateKey,
) -> Result<SealRecord, SealingError> {
    Ok(SealRecord {
        es_id: seal.es_id().to_owned(),
        jurisdiction: jurisdiction.clone(),
        department: DepartmentCode::parse(department).map_err(internal)?,
        kind,
        name: seal.name().to_owned(),
        public_key_pem: signer.public_key().to_pem().map_err(internal)?,
        valid_from: from,
        valid_to: to,
        ses_seal: STANDARD.encode(seal.to_der()),
    })
}

/// The demo's registry for one jurisdiction: the bureau's approval seal (key kept, encrypted)
/// and the former approval seals of its licensing departments, registered and then revoked and
/// archived by the (fictional) government order that created the bureau. Revoked seals' private
/// keys are destroyed at once: they can never sign again.
pub fn seed_jurisdiction_seals(
    store: &Store,
    master: &MasterKey,
    jurisdiction: &DivisionCode,
    jurisdiction_name: &str,
    departments: &[(String, String)],
    now: OffsetDateTime,
) -> Result<(), SealingError> {
    let j = jurisdiction.as_str();
    let maker = fresh_key()?;
    let bureau_key = fresh_key()?;
    let (from, to) = (
        datetime!(2018-12-20 00:00 UTC),
        datetime!(2038-12-20 00:00 UTC),
    );
    let es_id = format!("{j}0000000001");
    let bureau_name = format!("{jurisdiction_name}行政审批服务局");
    let seal_name = format!("{bureau_name}行政审批专用章");
    let spec = NewSeal {
        es_id: &es_id,
        name: &seal_name,
        arc_text: &bureau_name,
        bottom: "行政审批专用章",
        from,
        to,
    };
    let seal = make_seal(&spec, &bureau_key, &maker)?;
    let mut events = vec![Event::SealRegistered {
        seal: Box::new(record(
            &seal,
            jurisdiction,
            "SPJ",
            SealKind::BureauApproval,
            from,
            to,
            &bureau_key,
        )?),
    }];
    for (i, (code, name)) in departments.iter().enumerate() {
        let key = fresh_key()?;
        let dept_seal_id = format!("{j}{:010}", 100 + i);
        let full = format!("{jurisdiction_name}{name}");
        let old_name = format!("{full}行政许可专用章");
        let spec = NewSeal {
            es_id: &dept_seal_id,
            name: &old_name,
            arc_text: &full,
            bottom: "行政许可专用章",
            from: datetime!(2010-01-01 00:00 UTC),
            to,
        };
        let old = make_seal(&spec, &key, &maker)?;
        events.push(Event::SealRegistered {
            seal: Box::new(record(
                &old,
                jurisdiction,
                code,
                SealKind::DepartmentApproval,
                datetime!(2010-01-01 00:00 UTC),
                to,
                &key,
            )?),
        });
        events.push(Event::SealRevoked {
            es_id: dept_seal_id,
            revocation: Revocation {
                order_ref: "济政字〔2018〕88号（演示）".into(),
                at: datetime!(2018-12-20 00:00 UTC),
                archived: true,
            },
        });
    }
    let blob = encrypt_private_key(
        &bureau_key,
        master.secret(),
        master.kdf(),
        &mut UnwrapErr(getrandom::SysRng),
    )
    .map_err(internal)?;
    let public = bureau_key.public_key().to_pem().map_err(internal)?;
    let meta = Meta {
        time: now,
        jurisdiction: jurisdiction.clone(),
        actor: Actor::System("demo-seed".into()),
    };
    store.write_blocking(move |tx| {
        let existing = registry(tx.conn(), meta.jurisdiction.as_str())?;
        if let Event::SealRegistered { seal } = &events[0] {
            check_one_active(&existing, seal, now)?;
        }
        for e in &events {
            meta.record_event(tx, e)?;
        }
        oneseal_store::seals::insert_key(tx.conn(), &es_id, &public, &blob, now.unix_timestamp())?;
        Ok::<_, SealingError>(())
    })
}

/// Replaces the bureau's approval seal: the current one is revoked and archived by `order_ref`,
/// a new one with a new key is registered, in one transaction. Documents the old seal signed
/// before `now` still verify ("signed before revocation"). Returns the new esID; the caller
/// adds its key to the running `SealKeys`.
pub fn rotate_bureau_seal(
    store: &Store,
    master: &MasterKey,
    jurisdiction: &DivisionCode,
    order_ref: &str,
    now: OffsetDateTime,
) -> Result<(String, SealPrivateKey), SealingError> {
    let j = jurisdiction.as_str().to_owned();
    let (current, name_zh, count) = store.read_blocking(|c| {
        let current = registry(c, &j)?
            .into_iter()
            .find(|s| s.record.kind == SealKind::BureauApproval && s.is_active_at(now));
        let name = oneseal_store::seals::bureau(c, &j)?
            .map(|b| b.name_zh)
            .unwrap_or_default();
        let count = oneseal_store::seals::bureau_seal_count(c, &j)?;
        Ok::<_, StoreError>((current, name, count))
    })?;
    let current = current.ok_or(SealingError::NoActiveSeal)?;
    let key = fresh_key()?;
    let maker = fresh_key()?;
    let es_id = format!("{j}{:010}", count + 1);
    let bureau_name = format!("{name_zh}行政审批服务局");
    let seal_name = format!("{bureau_name}行政审批专用章");
    let to = now + time::Duration::days(365 * 20);
    let spec = NewSeal {
        es_id: &es_id,
        name: &seal_name,
        arc_text: &bureau_name,
        bottom: "行政审批专用章",
        from: now,
        to,
    };
    let seal = make_seal(&spec, &key, &maker)?;
    let new = record(
        &seal,
        jurisdiction,
        "SPJ",
        SealKind::BureauApproval,
        now,
        to,
        &key,
    )?;
    let blob = encrypt_private_key(
        &key,
        master.secret(),
        master.kdf(),
        &mut UnwrapErr(getrandom::SysRng),
    )
    .map_err(internal)?;
    let public = key.public_key().to_pem().map_err(internal)?;
    let meta = Meta {
        time: now,
        jurisdiction: jurisdiction.clone(),
        actor: Actor::System("seal-rotation".into()),
    };
    let (order, new_id) = (order_ref.to_owned(), es_id.clone());
    store.write_blocking(move |tx| {
        meta.record_event(
            tx,
            &Event::SealRevoked {
                es_id: current.record.es_id.clone(),
                revocation: Revocation {
                    order_ref: order,
                    at: now,
                    archived: true,
                },
            },
        )?;
        meta.record_event(
            tx,
            &Event::SealRegistered {
                seal: Box::new(new),
            },
        )?;
        oneseal_store::seals::insert_key(tx.conn(), &es_id, &public, &blob, now.unix_timestamp())?;
        Ok::<_, SealingError>(())
    })?;
    Ok((new_id, key))
}

/// Seeds every jurisdiction's seals unless a registry exists already.
pub fn seed_demo_seals(
    store: &Store,
    master: &MasterKey,
    now: OffsetDateTime,
) -> Result<bool, SealingError> {
    let (have, jurisdictions) = store.read_blocking(|c| {
        let have = oneseal_store::seals::any_registered(c)?;
        Ok::<_, StoreError>((have, oneseal_store::seals::jurisdictions(c)?))
    })?;
    if have {
        return Ok(false);
    }
    for (code, name) in jurisdictions {
        let depts =
            store.read_blocking(|c| oneseal_store::seals::licensing_departments(c, &code))?;
        let j = DivisionCode::parse(&code).map_err(internal)?;
        seed_jurisdiction_seals(store, master, &j, &name, &depts, now)?;
    }
    Ok(true)
}

/// Decrypted seal keys, by esID: Argon2 is paid once per key, not per signature.
#[derive(Default)]
pub struct SealKeys {
    keys: Mutex<HashMap<String, Arc<SealPrivateKey>>>,
    /// Parsed seals by esID, with the registry text they were parsed from: each sealing
    /// needs the seal, and its DER does not change once registered.
    parsed: Mutex<HashMap<String, (String, Arc<Seal>)>>,
}

impl SealKeys {
    /// The seal a registry record holds, parsed once per esID and text.
    pub fn parsed(&self, record: &SealRecord) -> Result<Arc<Seal>, SealingError> {
        if let Ok(cache) = self.parsed.lock()
            && let Some((text, seal)) = cache.get(&record.es_id)
            && *text == record.ses_seal
        {
            return Ok(seal.clone());
        }
        let der = STANDARD.decode(&record.ses_seal).map_err(internal)?;
        let seal = Arc::new(Seal::from_der(&der).map_err(internal)?);
        if let Ok(mut cache) = self.parsed.lock() {
            cache.insert(
                record.es_id.clone(),
                (record.ses_seal.clone(), seal.clone()),
            );
        }
        Ok(seal)
    }

    /// Loads every stored seal key (blocking; at start).
    pub fn load(store: &Store, master: &MasterKey) -> Result<Self, SealingError> {
        let keys = Self::default();
        keys.load_missing(store, master)?;
        Ok(keys)
    }

    /// Decrypts the stored seal keys not held yet (blocking): how a server picks up a seal
    /// another server process registered or rotated in. Returns how many were added.
    pub fn load_missing(&self, store: &Store, master: &MasterKey) -> Result<usize, SealingError> {
        let rows = store.read_blocking(oneseal_store::seals::keys)?;
        let mut added = 0;
        for stored in rows {
            if self.get(&stored.es_id).is_none() {
                let key =
                    decrypt_private_key(&stored.encrypted, master.secret()).map_err(internal)?;
                self.insert(&stored.es_id, key);
                added += 1;
            }
        }
        Ok(added)
    }

    pub fn get(&self, es_id: &str) -> Option<Arc<SealPrivateKey>> {
        self.keys.lock().ok()?.get(es_id).cloned()
    }

    /// Adds a key (after a rotation) without restarting.
    pub fn insert(&self, es_id: &str, key: SealPrivateKey) {
        if let Ok(mut k) = self.keys.lock() {
            k.insert(es_id.to_owned(), Arc::new(key));
        }
    }
}

impl std::fmt::Debug for SealKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKeys(…)")
    }
}
