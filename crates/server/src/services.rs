//! The bureau's work, apart from HTTP: each service takes domain values and the store, decides
//! through `oneseal_domain`, writes through the store's single writer, and returns its own typed
//! error. No axum type and no `ApiError` in here, and nothing imports `api` or `web`; the HTTP
//! adapters call these functions, and `error.rs` maps their errors to statuses in one place.

pub mod applicant_identity;
pub mod bundles;
pub mod calendar;
pub mod case_secrets;
pub mod cases;
pub mod catalog;
pub mod commands;
pub mod commitments;
pub mod consultations;
pub mod coordination;
pub mod dashboard;
pub mod guesses;
pub mod guide;
pub mod history;
pub mod home;
pub mod idempotency;
pub mod inbox;
pub mod ledger;
pub mod licences;
pub mod linkage;
pub mod masking;
pub mod materials;
pub mod names;
pub mod online;
pub mod org;
pub mod paging;
pub mod platform;
pub mod printing;
pub mod progress_notice;
pub mod projects;
pub mod queue;
pub mod ratings;
pub mod rules;
pub mod sealing;
pub mod seed;
pub mod sessions;
pub mod statistics;
pub mod verification;
