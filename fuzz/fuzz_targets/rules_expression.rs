//! Inspectors' local monitoring rules (CEL expressions, `oneseal rules` and the rules page):
//! `ExpressionRule::validate`, then the engine's compile and evaluation against one case step.
//! The CEL parser is a release candidate that panics on some malformed input; the domain crate
//! catches that, so no panic may escape. Evaluation is deterministic: the same source against
//! the same step gives the same result twice (rules replay re-proves every alert from the log),
//! including an evaluation stopped by the cost meter (`rules::cost`): an expression that would
//! build a huge value (`.map(v, v+v)` chained) is refused by the estimate or stopped by the
//! meter, never left to run into the 10 s timeout or the 2 GiB RSS limit.
#![no_main]

#[path = "caught_panics.rs"]
mod caught_panics;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oneseal_domain::fuzz::{ExpressionOutcome, rule_expression, sample_step_variables};

fuzz_target!(
    init: {
        caught_panics::install();
    },
    |data: &[u8]| {
        let Ok(source) = std::str::from_utf8(data) else {
            return;
        };
        static VARS: OnceLock<serde_json::Value> = OnceLock::new();
        let vars = VARS.get_or_init(sample_step_variables);
        let run = || caught_panics::inside("rule_expression", || rule_expression(source, vars));
        let (first, second) = (run(), run());
        assert_ne!(
            first,
            ExpressionOutcome::ValidatedButNotCompiled,
            "validated but not compiled: {source:?}"
        );
        assert_eq!(first, second, "not deterministic: {source:?}");
    }
);
