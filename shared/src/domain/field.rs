//! Field errors: what a person must fix in what they sent, collected so every mistake is
//! reported at once.

use serde::Serialize;

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
