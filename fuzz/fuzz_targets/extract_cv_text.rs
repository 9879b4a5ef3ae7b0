//! Feeds arbitrary bytes to the CV text extraction entry point: whatever the input, it must
//! return a text or a failure reason, never crash the process.
#![no_main]

use cyi_worker::cv_text::{Limits, extract_now};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The same checks as production, minus the thread and timer that `extract` adds.
    let _ = std::panic::catch_unwind(|| extract_now(data, &Limits::PRODUCTION));
});
