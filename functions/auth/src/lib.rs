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
use cyi_shared::domain::account::{
    DISPLAY_NAME, DisplayName, EMAIL, Email, NEW_PASSWORD, NewPassword, SignUp, USERNAME, User,
    Username,
};
use cyi_shared::http::schema::{Body, any_text, one_of, or_null, text};
use cyi_shared::http::{ApiJson, CurrentUser};
use cyi_shared::{ApiError, Services, request_schema};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
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
    components(schemas(SignUpRequest, LoginRequest, LoginForm, Account, Profile, TokenResponse, PasswordChange, AccountDeletion)),
    tags((name = "auth", description = "Accounts and tokens"))
)]
pub struct ApiDoc;

/// Every field is checked and every problem reported at once.
#[derive(Deserialize)]
pub struct SignUpRequest {
    username: Option<String>,
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

request_schema!(
    SignUpRequest,
    Body::new("A new account. The username is kept lowercase; the email is unique ignoring case.")
        .required("username", text(&USERNAME))
        .required("name", text(&DISPLAY_NAME))
        .required("email", text(&EMAIL))
        .required("password", text(&NEW_PASSWORD))
        .example(json!({
            "username": "ada",
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "password": "correct horse battery"
        }))
);

/// A newly created account.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0196f1c2a8b47d2e9c3a5b6d7e8f9a0b", "username": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "created_at": "2026-11-29T09:30:00Z"}))]
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
#[schema(example = json!({"id": "0196f1c2a8b47d2e9c3a5b6d7e8f9a0b", "username": "ada", "name": "Ada Lovelace", "email": "ada@example.com", "created_at": "2026-11-29T09:30:00Z", "interviews_used": 1, "interviews_left": 4}))]
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

/// Credentials, as JSON or as the OAuth2 password form. `grant_type` may be left out; when
/// given it is `password`.
#[derive(Deserialize)]
pub struct LoginRequest {
    username: String,
    password: String,
    #[serde(default)]
    grant_type: Option<String>,
}

const GRANT_TYPES: [&str; 1] = ["password"];

fn credentials(grant_type: ObjectBuilder) -> RefOr<Schema> {
    Body::new("Credentials.")
        .required("username", any_text())
        .required("password", any_text())
        .optional("grant_type", grant_type)
        .example(json!({"username": "ada", "password": "correct horse battery"}))
}

request_schema!(
    LoginRequest,
    credentials(or_null(one_of(&GRANT_TYPES), Type::String))
);

/// The OAuth2 password form (the same credentials, form-encoded; a form has no `null`).
pub struct LoginForm;

request_schema!(LoginForm, credentials(one_of(&GRANT_TYPES)));

impl<S: Send + Sync> FromRequest<S> for LoginRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let login = if is_form {
            let Form(login) = Form::<LoginRequest>::from_request(request, state)
                .await
                .map_err(|e| ApiError::invalid("body", e.body_text()))?;
            login
        } else {
            let ApiJson(login) = ApiJson::<LoginRequest>::from_request(request, state).await?;
            login
        };
        match login.grant_type.as_deref() {
            None | Some("password") => Ok(login),
            Some(_) => Err(ApiError::invalid("grant_type", "must be `password`")),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl", "token_type": "bearer", "expires_in": 3600}))]
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
        (LoginForm = "application/x-www-form-urlencoded"),
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

#[derive(Deserialize)]
pub struct PasswordChange {
    current_password: Option<String>,
    new_password: Option<String>,
}

request_schema!(
    PasswordChange,
    Body::new("The account's password and a new one.")
        .required("current_password", any_text())
        .required("new_password", text(&NEW_PASSWORD))
        .example(json!({
            "current_password": "correct horse battery",
            "new_password": "a longer passphrase now"
        }))
);

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

#[derive(Deserialize)]
pub struct AccountDeletion {
    password: Option<String>,
}

request_schema!(
    AccountDeletion,
    Body::new("The account's password, to confirm.")
        .required("password", any_text())
        .example(json!({"password": "correct horse battery"}))
);

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
