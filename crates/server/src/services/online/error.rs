//! Why an online application's step is refused: apart so that the desk's helpers and the
//! "one thing" applications return it without importing the applications' module.

use oneseal_store::StoreError;

use crate::services::cases::CaseServiceError;
use crate::services::materials::MaterialError;

/// The largest body an application keeps (its JSON text).
pub const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    #[error("no such application")]
    NotFound,
    /// The application is no longer a draft (or, to withdraw, already registered or withdrawn).
    #[error("the application is {status}")]
    WrongStatus { status: String },
    #[error("an online application's channel is online")]
    NotOnline,
    /// A material whose file the applicant did not upload.
    #[error("unknown file {sha256}")]
    UnknownFile { sha256: String },
    #[error("the body is over {MAX_BODY} bytes")]
    TooLarge,
    /// The case is not waiting for a supplement (no open one-time notice).
    #[error("the case awaits no supplement")]
    NoOpenNotice,
    /// Nothing for the clerk to receive: the application is neither submitted nor carries a
    /// supplement.
    #[error("nothing to receive")]
    NothingToReceive,
    #[error(transparent)]
    Case(#[from] CaseServiceError),
    #[error(transparent)]
    Material(#[from] MaterialError),
    /// A "one thing" application's bundle (unknown, unavailable, or its combined form).
    #[error(transparent)]
    Bundle(#[from] crate::services::bundles::BundleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
