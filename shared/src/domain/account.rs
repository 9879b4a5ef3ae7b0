//! Accounts: the fields a person gives, parsed at the edge (a value of these types is valid by
//! construction), the user as stored, and what can go wrong, in the accounts' own terms.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::field::{FieldError, PRINTABLE_NOT_BLANK, TextRule, pattern};

/// A user as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub token_version: i64,
    pub interviews_used: i64,
    /// CVs the user holds, kept beside the quota so the per-user limit is one guarded write.
    #[serde(default)]
    pub cvs_count: i64,
    /// Job postings the user holds, likewise. Accounts from before postings lack it until
    /// their first posting (`storage::postings` fills it in).
    #[serde(default)]
    pub postings_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl User {
    /// Interviews the user may still start under a quota.
    pub fn interviews_left(&self, quota: i64) -> i64 {
        (quota - self.interviews_used).max(0)
    }

    /// The form of the email uniqueness is decided on, even for one stored before parsing
    /// rules changed.
    pub fn canonical_email(&self) -> String {
        Email::parse(&self.email)
            .map(|e| e.canonical())
            .unwrap_or_else(|_| self.email.to_lowercase())
    }
}

/// What a sign-up asks for, parsed.
pub struct SignUp {
    pub username: Username,
    pub name: DisplayName,
    pub email: Email,
    pub password: NewPassword,
}

/// What can go wrong with an account, in its own terms.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("the request has invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("That username is taken.")]
    UsernameTaken,
    #[error("An account with that email exists.")]
    EmailTaken,
    /// The one answer for an unknown username and a wrong password.
    #[error("invalid username or password")]
    BadCredentials,
    #[error("Too many failed log-ins for this username; try again later.")]
    TooManyLogins { retry_after_seconds: u64 },
    /// The request carried no usable token; the reason is for the person reading it.
    #[error("{0}")]
    Unauthenticated(&'static str),
    #[error("the token was revoked")]
    TokenRevoked,
    #[error("unexpected error")]
    Unexpected(#[source] anyhow::Error),
}

impl AccountError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

/// 3-32 characters of `A-Z a-z 0-9 _ . -`, as given; kept lowercase so uniqueness ignores case.
pub static USERNAME: TextRule = TextRule {
    min_chars: 3,
    max_chars: Some(32),
    pattern: Some(&USERNAME_PATTERN),
};
static USERNAME_PATTERN: LazyLock<Regex> = LazyLock::new(|| pattern(r"^[A-Za-z0-9_.-]{3,32}$"));

/// An address of the usual form: a dot-atom before the `@`, a dotted host name after it.
pub static EMAIL: TextRule = TextRule {
    min_chars: 3,
    max_chars: Some(254),
    pattern: Some(&EMAIL_PATTERN),
};
static EMAIL_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    pattern(concat!(
        r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*",
        r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
    ))
});

/// 1-100 characters without control characters, not only space.
pub static DISPLAY_NAME: TextRule = TextRule {
    min_chars: 1,
    max_chars: Some(100),
    pattern: Some(&PRINTABLE_NOT_BLANK),
};

/// 8-128 characters of anything, used whole (never truncated, never trimmed).
pub static NEW_PASSWORD: TextRule = TextRule {
    min_chars: 8,
    max_chars: Some(128),
    pattern: None,
};

/// A username as stored: lowercase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if !USERNAME.accepts(raw) {
            return Err(FieldError::new(
                "username",
                "must be 3 to 32 characters of letters a-z, digits and `_` `.` `-`",
            ));
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address; compared case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if EMAIL.accepts(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(FieldError::new(
                "email",
                "must be an email address like name@example.com",
            ))
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

/// A display name, kept without surrounding space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        if !DISPLAY_NAME.accepts(raw) {
            return Err(FieldError::new(
                "name",
                "must be 1 to 100 characters, without control characters",
            ));
        }
        Ok(Self(raw.trim().to_owned()))
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
        if !NEW_PASSWORD.accepts(raw) {
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
        // Taken as given: what the API document states is what is accepted.
        assert!(Username::parse(" ada ").is_err());
        assert!(
            Username::parse("\u{212A}elvin").is_err(),
            "a sign that lowercases to k"
        );
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
            " ada@example.com",
            ".ada@example.com",
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
        assert!(DisplayName::parse("Ada\u{7}").is_err());
        assert!(DisplayName::parse(&format!(" {}", "가".repeat(100))).is_err());
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
