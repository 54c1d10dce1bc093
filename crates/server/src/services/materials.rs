//! The files a case's applicant hands in (申请材料), kept so the case desk can see them: stored
//! content-addressed by SHA-256 in a material store (a local directory by default, an
//! S3-compatible bucket when several servers share the work), each one recorded on the case as
//! `case.material_stored` so the ledger binds the file and the tables list it.
//!
//! A file is accepted only when its bytes are a PDF, OFD, JPEG or PNG (`domain::material::sniff`),
//! within the per-file and per-case limits. It is written to the store before the event is
//! recorded: a recorded material always has its file, and a crash in between leaves at most an
//! unlisted file behind.

mod local;
mod s3;
mod storage_error;

use std::sync::Arc;

use oneseal_domain::case::{CaseNumber, Sha256Digest};
use oneseal_domain::catalog::Item;
use oneseal_domain::event::Event;
use oneseal_domain::material::{MATERIAL_NAME_MAX, MediaType, StoredMaterial, sniff};
use oneseal_store::materials::{MaterialRow, find, item_body, list, total_size};
use oneseal_store::{Conn, Store, StoreError};

use crate::services::cases::{Acting, CaseServiceError, load};

pub use local::LocalDir;
pub use s3::{S3Config, S3Store};
pub use storage_error::StorageError;

/// Where the files are kept.
#[derive(Debug, Clone)]
pub enum MaterialStore {
    /// A directory of this server (`<data>/materials` by default).
    Local(LocalDir),
    /// An S3-compatible bucket, shared by several servers.
    S3(S3Store),
}

impl MaterialStore {
    /// Keeps `bytes` under `sha` (a no-op when the same content is already kept).
    pub async fn put(&self, sha: &Sha256Digest, bytes: Vec<u8>) -> Result<(), StorageError> {
        match self {
            Self::Local(d) => d.put(sha, bytes).await,
            Self::S3(b) => b.put(sha, bytes).await,
        }
    }

    /// The bytes kept under `sha`, if any.
    pub async fn get(&self, sha: &Sha256Digest) -> Result<Option<Vec<u8>>, StorageError> {
        match self {
            Self::Local(d) => d.get(sha).await,
            Self::S3(b) => b.get(sha).await,
        }
    }
}

/// How much a case may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaterialLimits {
    /// Bytes of one file.
    pub max_file: u64,
    /// Bytes of all a case's files together.
    pub max_case: u64,
}

impl Default for MaterialLimits {
    /// A scanned application runs to a few MiB a document; 20 MiB a file and 100 MiB a case
    /// leave room for photographs without letting one case fill a disk.
    fn default() -> Self {
        Self {
            max_file: 20 << 20,
            max_case: 100 << 20,
        }
    }
}

impl MaterialLimits {
    /// The largest upload request: one file and its form fields' framing.
    #[must_use]
    pub fn max_request(&self) -> usize {
        usize::try_from(self.max_file)
            .unwrap_or(usize::MAX)
            .saturating_add(64 << 10)
    }
}

/// The store and its limits, as the server was started with them.
#[derive(Debug, Clone)]
pub struct Materials {
    pub store: MaterialStore,
    pub limits: MaterialLimits,
}

impl Materials {
    pub fn new(store: MaterialStore, limits: MaterialLimits) -> Arc<Self> {
        Arc::new(Self { store, limits })
    }
}

/// Why a material was not stored or cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum MaterialError {
    #[error("the material's name is missing, too long or holds control characters")]
    BadName,
    #[error("no file in the upload")]
    MissingFile,
    /// A multipart body that does not parse, or a field other than `file` and `name`.
    #[error("bad upload: {0}")]
    BadUpload(String),
    #[error(transparent)]
    Unsupported(#[from] oneseal_domain::material::UnsupportedMaterial),
    #[error("file over {max} bytes")]
    FileTooLarge { max: u64 },
    #[error("the case's materials would exceed {max} bytes ({used} stored)")]
    CaseFull { max: u64, used: u64 },
    /// Closed cases (withdrawn, not accepted, delivered) take no more materials.
    #[error("the case is closed")]
    CaseClosed,
    #[error("the case lists no such material")]
    NotFound,
    #[error("bad SHA-256")]
    BadDigest,
    /// The server was started without a material store.
    #[error("no material store configured")]
    NotConfigured,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Case(#[from] CaseServiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an upload did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stored {
    pub material: MaterialRow,
    /// The ledger index of `case.material_stored`; none when the case already listed the file.
    pub ledger_index: Option<u64>,
    /// The case already listed this very file: nothing new was recorded.
    pub duplicate: bool,
}

fn check_name(name: &str) -> Result<String, MaterialError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MATERIAL_NAME_MAX
        || name.chars().any(char::is_control)
    {
        return Err(MaterialError::BadName);
    }
    Ok(name.to_owned())
}

/// The checks [`store_material`] makes of one file before the case is read (name, size, type),
/// for a file that arrives before its case exists: the intake form checks every chosen file
/// this way before it registers the application, so a bad file comes back beside the form's
/// field and no case is registered. Returns the trimmed name and the file's SHA-256 in hex.
///
/// # Errors
/// [`MaterialError::BadName`], [`MaterialError::FileTooLarge`], [`MaterialError::Unsupported`].
pub fn check_file(
    limits: MaterialLimits,
    name: &str,
    bytes: &[u8],
) -> Result<(String, String), MaterialError> {
    let name = check_name(name)?;
    if bytes.len() as u64 > limits.max_file {
        return Err(MaterialError::FileTooLarge {
            max: limits.max_file,
        });
    }
    sniff(bytes)?;
    Ok((name, Sha256Digest::of(bytes).as_str().to_owned()))
}

/// The names of the materials the case's catalog item (the version the case was filed under)
/// lists, in the catalog's order; empty if that version is not in the catalog.
pub fn checklist(
    conn: &mut dyn Conn,
    number: &CaseNumber,
    item: &oneseal_domain::case::ItemSnapshot,
) -> Result<Vec<oneseal_domain::catalog::Material>, MaterialError> {
    let Some(body) = item_body(
        conn,
        number.division().as_str(),
        item.basic_code.as_str(),
        item.version,
    )?
    else {
        return Ok(Vec::new());
    };
    let item: Item = serde_json::from_str(&body)
        .map_err(|e| CaseServiceError::Corrupt(format!("stored item: {e}")))?;
    Ok(item.into_spec().materials)
}

/// What the writer needs to know about the case before it records a material.
struct Admission {
    listed: bool,
    existing: Option<MaterialRow>,
}

fn admit(
    conn: &mut dyn Conn,
    number: &CaseNumber,
    sha: &Sha256Digest,
    name: &str,
    size: u64,
    limits: MaterialLimits,
) -> Result<Admission, MaterialError> {
    let (case, _) = load(conn, number)?;
    if case.is_closed() {
        return Err(MaterialError::CaseClosed);
    }
    if let Some(row) = find(conn, number.as_str(), sha.as_str())? {
        return Ok(Admission {
            listed: row.listed,
            existing: Some(row),
        });
    }
    let used = total_size(conn, number.as_str())?;
    if used.saturating_add(size) > limits.max_case {
        return Err(MaterialError::CaseFull {
            max: limits.max_case,
            used,
        });
    }
    let listed = checklist(conn, number, &case.received().item)?
        .iter()
        .any(|m| m.name == name);
    Ok(Admission {
        listed,
        existing: None,
    })
}

/// Stores one file among case `number`'s materials, as `who` (a clerk of the case's
/// jurisdiction: the caller has authorized).
///
/// # Errors
/// The clerk's mistakes as typed refusals (type, size, name, closed or unknown case); the
/// store's failure as [`MaterialError::Storage`].
pub async fn store_material(
    store: &Store,
    materials: &Materials,
    who: Acting,
    number: CaseNumber,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Stored, MaterialError> {
    let name = check_name(name)?;
    let limits = materials.limits;
    let size = bytes.len() as u64;
    if size > limits.max_file {
        return Err(MaterialError::FileTooLarge {
            max: limits.max_file,
        });
    }
    let media_type = sniff(&bytes)?;
    let sha = Sha256Digest::of(&bytes);
    let (n, s, nm) = (number.clone(), sha.clone(), name.clone());
    let first = store
        .read_committed(move |c| admit(c, &n, &s, &nm, size, limits))
        .await?;
    if let Some(row) = first.existing {
        return Ok(Stored {
            material: row,
            ledger_index: None,
            duplicate: true,
        });
    }
    materials.store.put(&sha, bytes).await?;
    store
        .write(move |tx| {
            // Checked again on the writer: another upload may have come in meanwhile.
            let again = admit(tx.conn(), &number, &sha, &name, size, limits)?;
            if let Some(row) = again.existing {
                return Ok(Stored {
                    material: row,
                    ledger_index: None,
                    duplicate: true,
                });
            }
            let material = StoredMaterial {
                sha256: sha.clone(),
                name,
                listed: again.listed,
                media_type,
                size,
                by: who.staff.clone(),
                at: who.now,
            };
            let idx = who.meta().record_event(
                tx,
                &Event::MaterialStored {
                    case_number: number.clone(),
                    material: Box::new(material),
                },
            )?;
            let row = find(tx.conn(), number.as_str(), sha.as_str())?
                .ok_or_else(|| StorageError("the material was not listed".into()))?;
            Ok(Stored {
                material: row,
                ledger_index: Some(idx),
                duplicate: false,
            })
        })
        .await
}

/// The files of case `number` (the case must exist).
pub fn received(conn: &mut dyn Conn, number: &CaseNumber) -> Result<Vec<MaterialRow>, StoreError> {
    list(conn, number.as_str())
}

/// One file of case `number` with its bytes, checked against its digest.
///
/// # Errors
/// [`MaterialError::NotFound`] when the case does not list it; [`MaterialError::Storage`] when
/// the store lost it or holds other bytes under its name.
pub async fn fetch(
    store: &Store,
    materials: &Materials,
    number: &CaseNumber,
    sha256: &str,
) -> Result<(MaterialRow, MediaType, Vec<u8>), MaterialError> {
    let sha = Sha256Digest::parse(sha256).map_err(|_| MaterialError::BadDigest)?;
    let (n, s) = (number.to_string(), sha.as_str().to_owned());
    let row = store
        .read(move |c| find(c, &n, &s))
        .await?
        .ok_or(MaterialError::NotFound)?;
    let media = MediaType::from_code(&row.media_type)
        .ok_or_else(|| StorageError(format!("stored type {:?}", row.media_type)))?;
    let bytes = materials
        .store
        .get(&sha)
        .await?
        .ok_or_else(|| StorageError(format!("file {} is missing", sha.as_str())))?;
    if Sha256Digest::of(&bytes) != sha {
        return Err(
            StorageError(format!("file {} does not match its digest", sha.as_str())).into(),
        );
    }
    Ok((row, media, bytes))
}
