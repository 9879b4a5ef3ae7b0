//! Account fields, parsed at the edge: a value of these types is valid by construction.

use crate::error::FieldError;

/// 3-32 characters of `[a-z0-9_.-]`, kept lowercase so uniqueness ignores case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let lower = raw.trim().to_lowercase();
        let length = lower.chars().count();
        if !(3..=32).contains(&length) {
            return Err(FieldError::new("username", "must be 3 to 32 characters"));
        }
        if !lower
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
        {
            return Err(FieldError::new(
                "username",
                "may hold only letters a-z, digits and `_` `.` `-`",
            ));
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address of plausible syntax; compared case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim();
        let invalid = || FieldError::new("email", "must be an email address like name@example.com");
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        if domain_ok && local_ok {
            Ok(Self(email.to_owned()))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form uniqueness is decided on.
    pub fn canonical(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A display name of 1-100 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        let length = name.chars().count();
        if !(1..=100).contains(&length) || name.chars().any(char::is_control) {
            return Err(FieldError::new("name", "must be 1 to 100 characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 8-128 characters, used whole (never truncated, never trimmed).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let length = raw.chars().count();
        if !(8..=128).contains(&length) {
            return Err(FieldError::new(field, "must be 8 to 128 characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// Collects every field's verdict so a client sees all its mistakes at once: a field whose
/// value came back `None` has recorded its error here.
#[derive(Default)]
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

    /// The 422 listing every field that failed; called when some field's value is missing.
    pub fn into_error(self) -> crate::ApiError {
        crate::ApiError::Validation(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_checked() {
        assert_eq!(Username::parse("Ada_L.9-x").unwrap().as_str(), "ada_l.9-x");
        for bad in [
            "ab",
            "a b c",
            "émile",
            "x".repeat(33).as_str(),
            "semi;colon",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
        assert!(Username::parse(&"x".repeat(32)).is_ok());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(Email::parse("ada@example.com").is_ok());
        assert!(Email::parse("first.last+tag@sub.example.co.kr").is_ok());
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@exa mple.com",
            "a..b@example.com",
            "ada@-example.com",
            "ada@@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Email::parse("Ada@Example.COM").unwrap().canonical(),
            "ada@example.com"
        );
    }

    #[test]
    fn names_are_1_to_100_characters() {
        assert_eq!(DisplayName::parse("  김민준 ").unwrap().as_str(), "김민준");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"가".repeat(100)).is_ok());
        assert!(DisplayName::parse(&"가".repeat(101)).is_err());
    }

    #[test]
    fn passwords_count_characters_and_are_never_trimmed_or_cut() {
        assert!(NewPassword::parse("password", "1234567").is_err());
        let long = "p".repeat(128);
        assert_eq!(
            NewPassword::parse("password", &long).unwrap().as_str(),
            long
        );
        assert!(NewPassword::parse("password", &"p".repeat(129)).is_err());
        assert_eq!(
            NewPassword::parse("password", " spaced  ")
                .unwrap()
                .as_str(),
            " spaced  "
        );
        // 8 Hangul syllables are 24 bytes but 8 characters.
        assert!(NewPassword::parse("password", "비밀번호비밀번호").is_ok());
    }
}
