//! The one extractor every HTTP function uses to authenticate a request: a missing,
//! malformed, expired, tampered, wrong-audience, unsigned, other-algorithm or revoked token
//! is a 401 problem with `WWW-Authenticate: Bearer`.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::ApiError;
use crate::accounts::Accounts;
use crate::domain::account::{AccountError, User};

/// The authenticated user of the request, as stored now.
pub struct CurrentUser(pub User);

impl<S> FromRequestParts<S> for CurrentUser
where
    Accounts: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let value =
            parts
                .headers
                .get(header::AUTHORIZATION)
                .ok_or(AccountError::Unauthenticated(
                    "send a bearer token in the Authorization header",
                ))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or(AccountError::Unauthenticated(
                "the Authorization header must be `Bearer <token>`",
            ))?;
        let user = Accounts::from_ref(state).authenticate(token).await?;
        Ok(Self(user))
    }
}
