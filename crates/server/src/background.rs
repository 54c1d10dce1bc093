//! Work no request waits for: signing each log's checkpoints, collecting witness cosignatures,
//! running the monitoring rules, deciding which process leads, and refreshing what another
//! process on the same database may have changed. Started by `serve` when this process leads; tests drive each step by hand.

pub mod checkpointer;
pub mod cosign;
pub mod leadership;
pub mod linkage_runner;
pub mod peers;
pub mod rules_runner;
pub mod webhook_delivery;
