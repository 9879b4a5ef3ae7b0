//! Feeds arbitrary bytes to the CV text extraction entry point. Production runs it under
//! `catch_unwind` (a panic becomes `malformed`), so panics are contained here too, and the
//! fuzzer looks for what containment cannot stop: aborts, stack overflows, runaway memory
//! and hangs. Both formats are reached: the bytes as a file (a PDF, a ZIP, anything), and
//! the bytes as the body of an otherwise valid .docx, so the XML reader is fuzzed even
//! though random bytes rarely make a ZIP.
#![no_main]

use std::io::{Cursor, Write};
use std::sync::Once;

use cyi_worker::cv_text::{Limits, extract_now};
use libfuzzer_sys::fuzz_target;

static CONTAIN_PANICS: Once = Once::new();

/// A .docx whose `word/document.xml` is `xml`, stored or deflated.
fn docx_around(xml: &[u8], deflated: bool) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let method = if deflated {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    writer.start_file("word/document.xml", options).unwrap();
    writer.write_all(xml).unwrap();
    writer.finish().unwrap().into_inner()
}

fuzz_target!(|data: &[u8]| {
    // libFuzzer's hook turns every panic into an abort; production catches them instead.
    CONTAIN_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = std::panic::catch_unwind(|| extract_now(data, &Limits::PRODUCTION));
    if let Some((&selector, xml)) = data.split_first() {
        let docx = docx_around(xml, selector & 1 == 1);
        let _ = std::panic::catch_unwind(|| extract_now(&docx, &Limits::PRODUCTION));
    }
});
