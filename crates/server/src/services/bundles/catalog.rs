//! The catalog's bundles and the errors of the bundle service: the leaf every other bundle
//! module uses.

use std::sync::LazyLock;

use oneseal_domain::bundle::Bundle;
use oneseal_domain::catalog::Item;
use oneseal_store::{Conn, StoreError};

use crate::services::guide::GuideError;

/// Why a bundle read or application failed.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("no such bundle")]
    UnknownBundle,
    #[error("no such bundle application")]
    UnknownApplication,
    /// The jurisdiction's catalog lacks one of the bundle's items.
    #[error("item {0} of the bundle is not in this jurisdiction's catalog")]
    Unavailable(String),
    #[error(transparent)]
    Guide(#[from] GuideError),
    #[error(transparent)]
    Case(#[from] crate::services::cases::CaseServiceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

static BUNDLES: LazyLock<Vec<Bundle>> =
    LazyLock::new(|| oneseal_domain::bundle::demo_bundles().unwrap_or_default());

/// Every bundle the catalog defines.
pub fn all() -> &'static [Bundle] {
    &BUNDLES
}

/// The bundle with `code`.
///
/// # Errors
/// [`BundleError::UnknownBundle`].
pub fn find(code: &str) -> Result<&'static Bundle, BundleError> {
    all()
        .iter()
        .find(|b| b.code.as_str() == code)
        .ok_or(BundleError::UnknownBundle)
}

/// The bundle's items in jurisdiction `j`'s current catalog, in the bundle's order.
///
/// # Errors
/// [`BundleError::Unavailable`] naming the first item the catalog lacks.
pub fn items_in(conn: &mut dyn Conn, j: &str, bundle: &Bundle) -> Result<Vec<Item>, BundleError> {
    bundle
        .items
        .iter()
        .map(|code| {
            oneseal_store::catalog::current_with_versions(conn, j, code.as_str())?
                .map(|(item, _)| item)
                .ok_or_else(|| BundleError::Unavailable(code.as_str().to_owned()))
        })
        .collect()
}
