//! Field errors: what a person must fix in what they sent, collected so every mistake is
//! reported at once.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// What a text field accepts, as given (nothing is trimmed before checking): a length in
/// characters and a pattern. The API document states the same rule, read from here.
pub struct TextRule {
    pub min_chars: usize,
    pub max_chars: Option<usize>,
    pub pattern: Option<&'static LazyLock<Regex>>,
}

impl TextRule {
    pub fn accepts(&self, raw: &str) -> bool {
        let chars = raw.chars().count();
        chars >= self.min_chars
            && self.max_chars.is_none_or(|max| chars <= max)
            && self.pattern.is_none_or(|pattern| pattern.is_match(raw))
    }

    /// The pattern as written, for the API document.
    pub fn pattern_text(&self) -> Option<&'static str> {
        self.pattern.map(|pattern| pattern.as_str())
    }
}

/// A pattern of the product's own, compiled once. The patterns are constants checked by the
/// unit tests, so failing to compile one is a programming error caught before release.
pub fn pattern(source: &'static str) -> Regex {
    Regex::new(source).unwrap_or_else(|e| panic!("the pattern {source} does not compile: {e}"))
}

/// The characters Rust counts as space (Unicode `White_Space`, what `trim` removes), spelled
/// out: `\s` means something else in each regex dialect (ECMAScript, the API document's,
/// adds U+FEFF and leaves out U+0085), and the document must state exactly what is accepted.
macro_rules! space {
    () => {
        r"\x09-\x0d\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    };
}

/// Text without control characters that holds something other than space.
pub static PRINTABLE_NOT_BLANK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(concat!(
        r"^[^\x00-\x1f\x7f-\x9f]*[^",
        space!(),
        r"\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    ))
});

/// Text without control characters (possibly empty).
pub static PRINTABLE: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[^\x00-\x1f\x7f-\x9f]*$"));

/// Text that holds something other than space.
pub static HAS_TEXT: LazyLock<Regex> = LazyLock::new(|| pattern(concat!(r"[^", space!(), r"]")));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_is_what_rust_trims_in_every_pattern() {
        for c in ('\0'..='\u{3100}').chain(['\u{feff}', '\u{10ffff}']) {
            let text = c.to_string();
            assert_eq!(HAS_TEXT.is_match(&text), !c.is_whitespace(), "{c:?}");
            let printable = !c.is_control() && !('\u{80}'..='\u{9f}').contains(&c);
            assert_eq!(
                PRINTABLE_NOT_BLANK.is_match(&text),
                printable && !c.is_whitespace(),
                "{c:?}"
            );
        }
    }
}

/// A field that failed validation, with what a person should fix.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Collects every field's verdict: a field whose value came back `None` has recorded its
/// error here.
#[derive(Debug, Default)]
pub struct FieldChecks(Vec<FieldError>);

impl FieldChecks {
    /// Records the error of a required field (absent counts as an error) and returns its
    /// value when valid.
    pub fn required<T>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, FieldError>,
    ) -> Option<T> {
        match raw {
            None => {
                self.0.push(FieldError::new(field, "is required"));
                None
            }
            Some(raw) => parse(raw).map_err(|e| self.0.push(e)).ok(),
        }
    }

    /// Records an error found by other means.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every error recorded; called when some field's value is missing.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }
}
