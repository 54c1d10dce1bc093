//! Inspectors' local monitoring rules (CEL expressions, `oneseal rules` and the rules page):
//! `ExpressionRule::validate`, then the engine's compile and evaluation against one case step.
//! The CEL parser is a release candidate that panics on some malformed input; the domain crate
//! catches that, so no panic may escape. Evaluation is deterministic: the same source against
//! the same step gives the same result twice (rules replay re-proves every alert from the log).
#![no_main]

use std::cell::{Cell, RefCell};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use oneseal_domain::fuzz::{ExpressionOutcome, rule_expression, sample_step_variables};

thread_local! {
    /// Inside `rule_expression`: a panic there may be one the library catches.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The last panic's message, reported if it escapes.
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

fuzz_target!(
    init: {
        // libfuzzer-sys's panic hook aborts at once, even for a panic the library catches
        // (the CEL parser's, by design). This hook only records the message inside the
        // library, and reports every other panic (a failed assertion below).
        std::panic::set_hook(Box::new(|info| {
            LAST_PANIC.with(|m| *m.borrow_mut() = info.to_string());
            if !QUIET.get() {
                eprintln!("{info}");
            }
        }));
    },
    |data: &[u8]| {
        let Ok(source) = std::str::from_utf8(data) else {
            return;
        };
        static VARS: OnceLock<serde_json::Value> = OnceLock::new();
        let vars = VARS.get_or_init(sample_step_variables);
        let run = || {
            QUIET.set(true);
            let outcome = std::panic::catch_unwind(|| rule_expression(source, vars));
            QUIET.set(false);
            outcome.unwrap_or_else(|_| {
                let message = LAST_PANIC.with(|m| m.borrow().clone());
                eprintln!("a panic escaped rule_expression for {source:?}: {message}");
                std::process::abort();
            })
        };
        let (first, second) = (run(), run());
        assert_ne!(
            first,
            ExpressionOutcome::ValidatedButNotCompiled,
            "validated but not compiled: {source:?}"
        );
        assert_eq!(first, second, "not deterministic: {source:?}");
    }
);
