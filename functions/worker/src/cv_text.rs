//! Text extraction from CV files, PDF or Word .docx, which are hostile input until proven
//! otherwise. Each file is read on its own thread with a bounded stack, under size, page,
//! unpacked-size, nesting and time limits, with panics caught: a bad file fails its own job
//! with a reason and nothing else.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cyi_shared::domain::cv::{CvSource, FailureReason, cap_for_llm, detect_file, normalize_text};

pub use crate::limits::Limits;

/// Fewest letters or digits a CV's text must have; fewer means a scanned image.
const MIN_TEXT_CHARS: usize = 40;

/// The name of extraction threads, so the panic hook can keep their messages out of logs.
pub const THREAD_NAME: &str = "cv-extract";

/// Extracts the text of a PDF or .docx on a contained thread.
pub async fn extract(bytes: bytes::Bytes, limits: Limits) -> Result<String, FailureReason> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .stack_size(limits.stack_bytes)
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| extract_now(&bytes, &limits)))
                .unwrap_or(Err(FailureReason::Malformed));
            let _ = sender.send(outcome);
        });
    if spawned.is_err() {
        return Err(FailureReason::ProcessingError);
    }
    // On timeout the thread is abandoned (a thread cannot be killed); it ends with its file.
    match tokio::time::timeout(limits.timeout, receiver).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => Err(FailureReason::Malformed),
        Err(_) => Err(FailureReason::Timeout),
    }
}

/// The extraction itself, synchronous; call through `extract`.
pub fn extract_now(bytes: &[u8], limits: &Limits) -> Result<String, FailureReason> {
    if bytes.len() > limits.max_bytes {
        return Err(FailureReason::TooLarge);
    }
    let raw = match detect_file(bytes) {
        Some(CvSource::Pdf) => pdf_text(bytes, limits)?,
        Some(CvSource::Docx) => crate::docx_text::extract(bytes, limits)?,
        _ => return Err(FailureReason::NotAPdf),
    };
    let text = normalize_text(&repair_typography(&raw));
    if text.chars().filter(|c| c.is_alphanumeric()).count() < MIN_TEXT_CHARS {
        return Err(FailureReason::NoText);
    }
    Ok(cap_for_llm(text))
}

/// The raw text of a PDF, page by page.
fn pdf_text(bytes: &[u8], limits: &Limits) -> Result<String, FailureReason> {
    if !ends_like_a_pdf(bytes) {
        return Err(FailureReason::Malformed);
    }
    if nesting_depth(bytes) > limits.max_nesting {
        return Err(FailureReason::Malformed);
    }
    // lopdf opens an encrypted file with the empty user password when that is all it needs
    // (an owner password only restricts printing, copying or editing) and removes `/Encrypt`;
    // a file that needs a password to open keeps it, and is refused. One that claims
    // encryption but cannot be read at all is reported as encrypted too: that is what the
    // person can act on.
    let document = lopdf::Document::load_mem(bytes).map_err(|_| {
        if claims_encryption(bytes) {
            FailureReason::Encrypted
        } else {
            FailureReason::Malformed
        }
    })?;
    if document.trailer.get(b"Encrypt").is_ok() {
        return Err(FailureReason::Encrypted);
    }
    let pages = document.get_pages().len();
    if pages == 0 {
        return Err(FailureReason::Malformed);
    }
    if pages > limits.max_pages {
        return Err(FailureReason::TooLarge);
    }
    let mut raw = String::new();
    {
        let mut output = pdf_extract::PlainTextOutput::new(&mut raw);
        pdf_extract::output_doc(&document, &mut output).map_err(|_| FailureReason::Malformed)?;
    }
    Ok(raw)
}

/// A complete PDF ends with `%%EOF` (give or take trailing whitespace); without it the file
/// was cut short, and a lenient parser would return part of the CV as if it were all.
fn ends_like_a_pdf(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// An `/Encrypt` entry anywhere: the file says it is encrypted.
fn claims_encryption(bytes: &[u8]) -> bool {
    bytes.windows(8).any(|w| w == b"/Encrypt")
}

/// Joins words hyphenated across lines by TeX (a soft hyphen before a line break), turns the
/// remaining soft hyphens into hyphens, and spells out typographic ligatures.
fn repair_typography(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{AD}' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                } else {
                    out.push('-');
                }
            }
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            other => out.push(other),
        }
    }
    out
}

/// The deepest nesting of arrays and dictionaries outside strings, comments and streams.
pub fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'(' => i = skip_string(bytes, i),
            b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                deepest = deepest.max(depth);
                i += 1;
            }
            b']' => depth = depth.saturating_sub(1),
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b's' if bytes[i..].starts_with(b"stream") && is_stream_keyword(bytes, i) => {
                i = find(bytes, i + 6, b"endstream").map_or(bytes.len(), |end| end + 9);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// `stream` as a keyword (not the tail of `endstream`), followed by an end of line.
fn is_stream_keyword(bytes: &[u8], at: usize) -> bool {
    let before_ok = at == 0 || !bytes[at - 1].is_ascii_alphabetic();
    let after = bytes.get(at + 6);
    before_ok && matches!(after, Some(b'\r') | Some(b'\n'))
}

/// The index after the literal string opening at `start`, honouring escapes and nesting.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let (mut level, mut i) = (0usize, start);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => level += 1,
            b')' => {
                level -= 1;
                if level == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Keeps what extraction threads panic with out of the logs (it could quote a CV); every
/// other panic is reported as before.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some(THREAD_NAME) {
            let location = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()));
            tracing::warn!(
                location,
                "PDF extraction panicked; the CV is marked malformed"
            );
        } else {
            previous(info);
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_ignores_strings_comments_and_streams() {
        assert_eq!(nesting_depth(b"<< /A [1 [2] 3] >>"), 3);
        assert_eq!(
            nesting_depth(b"(((([[[[ in a string)))) % [[[[ comment\n[ ]"),
            1
        );
        assert_eq!(nesting_depth(b"<< >>\nstream\n[[[[[[[[\nendstream\n[]"), 1);
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(nesting_depth(deep.as_bytes()), 10_000);
    }

    #[test]
    fn typography_is_repaired() {
        assert_eq!(
            repair_typography("high\u{AD}impact Con\u{AD}\nsul ﬁle"),
            "high-impact Consul file"
        );
    }
}
