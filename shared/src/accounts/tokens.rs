//! Access tokens: JWT HS256 with the algorithm pinned, `sub`, `iss`, `aud`, `exp` and `iat`
//! required, and the user's token version in `ver` so a log-out or a password change revokes
//! every token issued before it.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "chat-your-interview";
pub const AUDIENCE: &str = "chat-your-interview-api";
/// Fewest key bytes accepted: HS256 wants a key as long as its output.
pub const MIN_KEY_BYTES: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    /// The user's token version when the token was issued.
    pub ver: i64,
}

/// An issued token and how long it lives.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: String,
    pub expires_in: Duration,
}

/// Why a token was refused; the client sees one 401 for all of them.
#[derive(Debug, thiserror::Error)]
#[error("invalid token: {0}")]
pub struct InvalidToken(String);

/// Signs and checks tokens with one secret key.
pub struct TokenAuthority {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl TokenAuthority {
    pub fn new(key: &[u8], lifetime: Duration) -> anyhow::Result<Self> {
        anyhow::ensure!(
            key.len() >= MIN_KEY_BYTES,
            "the token signing key must be at least {MIN_KEY_BYTES} bytes"
        );
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["sub", "iss", "aud", "exp", "iat"]);
        validation.leeway = 5;
        validation.validate_exp = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
            lifetime,
        })
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    pub fn issue(&self, user_id: &str, version: i64, now: i64) -> anyhow::Result<AccessToken> {
        let claims = Claims {
            sub: user_id.to_owned(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + self.lifetime.as_secs() as i64,
            ver: version,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(AccessToken {
            token,
            expires_in: self.lifetime,
        })
    }

    /// The claims of a well-formed, correctly signed, unexpired token for this API.
    /// Expiry is checked against the system clock by the JWT library, and against `now` here,
    /// so tests with a moved clock see tokens expire.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, InvalidToken> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| InvalidToken(e.to_string()))?;
        if data.claims.exp + self.validation.leeway as i64 <= now {
            return Err(InvalidToken("expired".into()));
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn authority() -> TokenAuthority {
        TokenAuthority::new(KEY, Duration::from_secs(3600)).unwrap()
    }

    fn now() -> i64 {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }

    #[test]
    fn an_issued_token_verifies() {
        let token = authority().issue("u1", 3, now()).unwrap();
        let claims = authority().verify(&token.token, now()).unwrap();
        assert_eq!((claims.sub.as_str(), claims.ver), ("u1", 3));
        assert_eq!(claims.exp - claims.iat, 3600);
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let other = TokenAuthority::new(&[7u8; 32], Duration::from_secs(60)).unwrap();
        let token = other.issue("u1", 0, now()).unwrap();
        assert!(authority().verify(&token.token, now()).is_err());
    }

    #[test]
    fn a_too_short_key_is_refused() {
        assert!(TokenAuthority::new(b"short", Duration::from_secs(60)).is_err());
    }

    #[test]
    fn a_token_expires_on_a_moved_clock() {
        let authority = authority();
        let token = authority.issue("u1", 0, now()).unwrap();
        assert!(authority.verify(&token.token, now() + 3599).is_ok());
        assert!(authority.verify(&token.token, now() + 3700).is_err());
    }
}
