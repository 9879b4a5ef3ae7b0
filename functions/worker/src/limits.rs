//! The bounds a CV's text extraction runs under, for PDFs and .docx files alike.

use std::time::Duration;

use cyi_shared::domain::cv::MAX_FILE_BYTES;

/// The bounds one extraction runs under.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_pages: usize,
    /// Deepest nesting of arrays and dictionaries accepted; deeper is refused before parsing
    /// so a crafted file cannot exhaust the parser's stack.
    pub max_nesting: usize,
    /// Most entries a .docx archive may list.
    pub max_zip_entries: usize,
    /// Most bytes a .docx may unpack to: the sum its directory declares, and the bytes
    /// actually inflated from the parts read.
    pub max_unpacked_bytes: usize,
    /// Deepest element nesting accepted in a .docx part.
    pub max_xml_depth: usize,
    pub timeout: Duration,
    pub stack_bytes: usize,
}

impl Limits {
    pub const PRODUCTION: Self = Self {
        max_bytes: MAX_FILE_BYTES as usize,
        max_pages: 30,
        max_nesting: 64,
        max_zip_entries: 1_000,
        max_unpacked_bytes: 64 * 1024 * 1024,
        max_xml_depth: 256,
        timeout: Duration::from_secs(20),
        stack_bytes: 8 * 1024 * 1024,
    };
}
