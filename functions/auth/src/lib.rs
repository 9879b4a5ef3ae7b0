//! Accounts and tokens: the routes of the auth function. Handlers parse, call the accounts
//! use cases in `cyi_shared::accounts`, and map the result.

use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use cyi_shared::accounts::Accounts;
use cyi_shared::config::Limits;
use cyi_shared::domain::FieldChecks;
use cyi_shared::domain::account::{DisplayName, Email, NewPassword, SignUp, User, Username};
use cyi_shared::http::{ApiJson, CurrentUser};
use cyi_shared::{ApiError, Services};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

/// The routes of this function.
pub fn router(services: Services) -> Router {
    Router::new()
        .route("/auth/signup", post(sign_up))
        .route("/auth/login", post(log_in))
        .route("/auth/me", get(me).delete(delete_account))
        .route("/auth/logout", post(log_out))
        .route("/auth/password", put(change_password))
        .with_state(services)
}

/// The OpenAPI description of these routes.
#[derive(OpenApi)]
#[openapi(
    paths(sign_up, log_in, me, log_out, change_password, delete_account),
    components(schemas(SignUpRequest, LoginRequest, Account, Profile, TokenResponse, PasswordChange, AccountDeletion)),
    tags((name = "auth", description = "Accounts and tokens"))
)]
pub struct ApiDoc;

#[derive(Deserialize, ToSchema)]
pub struct SignUpRequest {
    /// 3-32 characters of `a-z 0-9 _ . -`; stored lowercase.
    #[schema(required, example = "ada")]
    username: Option<String>,
    /// 1-100 characters.
    #[schema(required, example = "Ada Lovelace")]
    name: Option<String>,
    #[schema(required, example = "ada@example.com")]
    email: Option<String>,
    /// 8-128 characters.
    #[schema(required, example = "correct horse battery")]
    password: Option<String>,
}

/// A newly created account.
#[derive(Serialize, ToSchema)]
pub struct Account {
    id: String,
    username: String,
    name: String,
    email: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    created_at: time::OffsetDateTime,
}

impl From<&User> for Account {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            username: user.username.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            created_at: user.created_at,
        }
    }
}

/// The signed-in user's profile and quota.
#[derive(Serialize, ToSchema)]
pub struct Profile {
    #[serde(flatten)]
    account: Account,
    interviews_used: i64,
    interviews_left: i64,
}

/// Create an account.
#[utoipa::path(post, path = "/auth/signup", tag = "auth", request_body = SignUpRequest,
    responses(
        (status = 201, body = Account),
        (status = 409, description = "Username or email taken", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn sign_up(
    State(accounts): State<Accounts>,
    ApiJson(request): ApiJson<SignUpRequest>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let mut checks = FieldChecks::default();
    let username = checks.required("username", request.username.as_deref(), Username::parse);
    let name = checks.required("name", request.name.as_deref(), DisplayName::parse);
    let email = checks.required("email", request.email.as_deref(), Email::parse);
    let password = checks.required("password", request.password.as_deref(), |p| {
        NewPassword::parse("password", p)
    });
    let request = match (username, name, email, password) {
        (Some(username), Some(name), Some(email), Some(password)) => SignUp {
            username,
            name,
            email,
            password,
        },
        _ => return Err(ApiError::Validation(checks.into_errors())),
    };
    let user = accounts.sign_up(request).await?;
    Ok((StatusCode::CREATED, Json(Account::from(&user))))
}

/// Credentials, as JSON or as the OAuth2 password form.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "ada")]
    username: String,
    password: String,
    /// Required as `password` in the form encoding (OAuth2); ignored in JSON.
    #[serde(default)]
    grant_type: Option<String>,
}

impl<S: Send + Sync> FromRequest<S> for LoginRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            let ApiJson(login) = ApiJson::<LoginRequest>::from_request(request, state).await?;
            return Ok(login);
        }
        let Form(login) = Form::<LoginRequest>::from_request(request, state)
            .await
            .map_err(|e| ApiError::invalid("body", e.body_text()))?;
        match login.grant_type.as_deref() {
            Some("password") => Ok(login),
            _ => Err(ApiError::invalid("grant_type", "must be `password`")),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    #[schema(example = "bearer")]
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: u64,
}

/// Log in; answers a bearer token. Also accepts the OAuth2 password form.
#[utoipa::path(post, path = "/auth/login", tag = "auth",
    request_body(content(
        (LoginRequest = "application/json"),
        (LoginRequest = "application/x-www-form-urlencoded"),
    )),
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Invalid username or password", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed log-ins; see Retry-After", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn log_in(
    State(accounts): State<Accounts>,
    login: LoginRequest,
) -> Result<impl IntoResponse, ApiError> {
    let token = accounts.log_in(&login.username, &login.password).await?;
    let body = TokenResponse {
        access_token: token.token,
        token_type: "bearer",
        expires_in: token.expires_in.as_secs(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)))
}

/// The signed-in user's profile, with interviews used and left.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 401, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn me(State(limits): State<Limits>, CurrentUser(user): CurrentUser) -> Json<Profile> {
    Json(Profile {
        account: Account::from(&user),
        interviews_used: user.interviews_used,
        interviews_left: user.interviews_left(limits.interview_quota),
    })
}

/// Log out: every token issued to the user so far stops working.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Every token of the user is revoked"),
        (status = 401, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn log_out(
    State(accounts): State<Accounts>,
    CurrentUser(user): CurrentUser,
) -> Result<StatusCode, ApiError> {
    accounts.log_out(&user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    #[schema(required)]
    current_password: Option<String>,
    /// 8-128 characters.
    #[schema(required)]
    new_password: Option<String>,
}

/// Change the password; every token issued so far (this one included) stops working.
#[utoipa::path(put, path = "/auth/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed; log in again with the new password"),
        (status = 401, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong current password or invalid new one", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn change_password(
    State(accounts): State<Accounts>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let mut checks = FieldChecks::default();
    let current = checks.required(
        "current_password",
        request.current_password.as_deref(),
        |p| Ok(p.to_owned()),
    );
    let new = checks.required("new_password", request.new_password.as_deref(), |p| {
        NewPassword::parse("new_password", p)
    });
    let (Some(current), Some(new)) = (current, new) else {
        return Err(ApiError::Validation(checks.into_errors()));
    };
    accounts.change_password(&user, &current, new).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct AccountDeletion {
    #[schema(required)]
    password: Option<String>,
}

/// Delete the account and everything stored for it (CVs, interviews, answers).
#[utoipa::path(delete, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    request_body = AccountDeletion,
    responses(
        (status = 204, description = "The account and all its data are gone"),
        (status = 401, body = cyi_shared::http::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong or missing password", body = cyi_shared::http::Problem, content_type = "application/problem+json"),
    ))]
async fn delete_account(
    State(accounts): State<Accounts>,
    CurrentUser(user): CurrentUser,
    ApiJson(request): ApiJson<AccountDeletion>,
) -> Result<StatusCode, ApiError> {
    let mut checks = FieldChecks::default();
    let Some(password) =
        checks.required(
            "password",
            request.password.as_deref(),
            |p| Ok(p.to_owned()),
        )
    else {
        return Err(ApiError::Validation(checks.into_errors()));
    };
    accounts.delete_account(&user, &password).await?;
    Ok(StatusCode::NO_CONTENT)
}
