//! For targets whose library catches some panics by design (the CEL parser's in
//! `rules::expression`, calamine's in `catalog::import_xlsx`). libfuzzer-sys's panic hook aborts
//! on every panic, even one the library catches; [`install`] replaces it with a hook that only
//! records the message while [`inside`] runs the library call and reports every other panic (a
//! failed assertion of the target). [`inside`] aborts, a crash for libFuzzer, when a panic
//! escapes the library call.

use std::cell::{Cell, RefCell};

thread_local! {
    /// Inside a library call: a panic there may be one the library catches.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The last panic's message, reported if it escapes.
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Replaces libfuzzer-sys's panic hook; call from the target's `init`.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|m| *m.borrow_mut() = info.to_string());
        if !QUIET.get() {
            eprintln!("{info}");
        }
    }));
}

/// Runs the library call `f`; aborts with the panic's message if a panic escapes it.
pub fn inside<T>(what: &str, f: impl FnOnce() -> T) -> T {
    QUIET.set(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.set(false);
    outcome.unwrap_or_else(|_| {
        let message = LAST_PANIC.with(|m| m.borrow().clone());
        eprintln!("a panic escaped {what}: {message}");
        std::process::abort();
    })
}
