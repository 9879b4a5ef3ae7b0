//! The one extractor every HTTP function uses to authenticate a request: a missing,
//! malformed, expired, tampered, wrong-audience, unsigned, other-algorithm or revoked token
//! is a 401 problem with `WWW-Authenticate: Bearer`.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use super::{UserRecord, load_user};
use crate::error::ApiError;
use crate::services::Services;

/// The authenticated user of the request, as stored now.
pub struct CurrentUser(pub UserRecord);

impl<S> FromRequestParts<S> for CurrentUser
where
    Services: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        let unauthorized = |why: &str| ApiError::Unauthorized(why.to_owned());
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("send a bearer token in the Authorization header"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <token>`"))?;
        let claims = services
            .tokens
            .verify(token, services.clock.unix_now())
            .map_err(|_| unauthorized("the token is invalid or expired"))?;
        let user = load_user(&services, &claims.sub)
            .await?
            .filter(|user| user.token_version == claims.ver)
            .ok_or_else(|| unauthorized("the token was revoked"))?;
        Ok(Self(user))
    }
}
