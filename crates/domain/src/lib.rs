//! oneseal-domain: the rules of the Administrative Approval Service Bureau.
//!
//! Pure: no I/O, no clock, no SQL, no HTTP. Every function that depends on time takes it as a
//! parameter, so legal clocks can be recomputed and explained from events alone.

pub mod access;
pub mod bundle;
pub mod calendar;
pub mod canonical;
pub mod case;
pub mod catalog;
pub mod commitment;
pub mod consultation;
pub mod coordination;
pub mod event;
pub mod fuzz;
pub mod licence;
pub mod linkage;
pub mod material;
pub mod org;
pub mod platform;
pub mod project;
pub mod rating;
pub mod rules;
pub mod seal;
pub mod spreadsheet;
