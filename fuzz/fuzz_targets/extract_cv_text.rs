//! Feeds arbitrary bytes to the CV text extraction entry point. Production runs it under
//! `catch_unwind` (a panic becomes `malformed`), so panics are contained here too, and the
//! fuzzer looks for what containment cannot stop: aborts, stack overflows, runaway memory
//! and hangs.
#![no_main]

use std::sync::Once;

use cyi_worker::cv_text::{Limits, extract_now};
use libfuzzer_sys::fuzz_target;

static CONTAIN_PANICS: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook turns every panic into an abort; production catches them instead.
    CONTAIN_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = std::panic::catch_unwind(|| extract_now(data, &Limits::PRODUCTION));
});
