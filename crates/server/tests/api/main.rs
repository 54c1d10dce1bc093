//! Black-box tests of the HTTP API and pages: the real server on a random port, a real database
//! (SQLite by default, PostgreSQL with ONESEAL_TEST_DATABASE_URL). One test binary for the crate.

// clippy's allow-*-in-tests covers #[test] functions, not the helpers beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod aggregates;
mod applicant;
mod applicant_inbox;
mod applicant_whole;
mod attacks;
mod bundles;
mod case_desk;
mod cases;
mod catalog;
mod certificate;
mod commitments;
mod compaction;
mod consultations;
mod coordination;
mod cosigning;
mod desk;
mod documents;
mod due;
mod end_check;
mod hearing;
mod hearing_law;
mod history;
mod home_cache;
mod intake;
mod law;
mod lawgaps;
mod lawgaps_start;
mod ledger;
mod ledger_audit;
mod linkage;
mod lists;
mod materials;
mod materials_s3;
mod names;
mod oidc;
mod onspot;
mod org;
mod platform;
mod portal;
mod privacy;
mod privacy_fields;
mod progress_notice;
mod projects;
mod provisional;
mod public_pages;
mod queue;
mod ratings;
mod renewal;
mod representation;
mod rongque;
mod rules;
mod runners;
mod sealing;
mod session;
mod storage;
mod system;
mod web;
mod web_display;
mod webhooks;
mod witness;
