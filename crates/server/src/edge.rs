//! The HTTP edge's own machinery, shared by every route: sign-in and sessions, the request
//! guards, string bounds, the network settings, the throttles and the metrics. Nothing here
//! decides bureau business; it decides who is asking and whether the request may go on.

pub mod applicant;
pub mod auth;
pub mod guard;
pub mod guesses;
pub mod json;
pub mod limits;
pub mod metrics;
pub mod net;
pub mod throttle;

/// Largest request body accepted (catalog spreadsheets are the biggest legitimate uploads).
/// In `edge` itself rather than `limits`: the error policy names it in the 413, and `limits`
/// answers with that policy's errors.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
