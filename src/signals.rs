//! Turning SIGINT, SIGTERM and SIGHUP into a flag, so that an interrupted hook stops its
//! gates and still restores the user's files before exiting 130.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Registers the handlers and returns the flag they set.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        // Registration only fails for forbidden signals, which these are not.
        let _ = signal_hook::flag::register(sig, Arc::clone(&flag));
    }
    flag
}
