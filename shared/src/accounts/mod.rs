//! Accounts: sign-up, log-in with throttling, tokens with revocation, password change and
//! deletion of everything a user owns.
//!
//! Item layout (one place for it):
//! - `USER#{id}` / `PROFILE`: the profile, password hash, token version and quota counter.
//!   Every item a feature stores for a user lives in the `USER#{id}` partition, and every
//!   object under `users/{id}/`, so deleting an account finds all of it.
//! - `USERNAME#{username}` / `CLAIM` and `EMAIL#{email}` / `CLAIM`: uniqueness claims, written
//!   in the same transaction as the profile.
//! - `LOGIN#{username}` / `FAILURES`: failed log-ins in the current window.

pub mod current_user;
pub mod fields;
pub mod passwords;
mod throttle;
pub mod tokens;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::ApiError;
use crate::ports::item_store::query_all;
use crate::ports::{Condition, Item, ItemKey, StoreError, Update, WriteOp};
use crate::services::Services;
use fields::{DisplayName, Email, NewPassword, Username};
use tokens::AccessToken;

pub use current_user::CurrentUser;

/// The partition that holds everything of a user.
pub fn user_partition(user_id: &str) -> String {
    format!("USER#{user_id}")
}

/// The prefix under which every object of a user is stored.
pub fn user_blob_prefix(user_id: &str) -> String {
    format!("users/{user_id}/")
}

pub fn profile_key(user_id: &str) -> ItemKey {
    ItemKey::new(user_partition(user_id), "PROFILE")
}

fn username_claim(username: &str) -> ItemKey {
    ItemKey::new(format!("USERNAME#{username}"), "CLAIM")
}

fn email_claim(canonical_email: &str) -> ItemKey {
    ItemKey::new(format!("EMAIL#{canonical_email}"), "CLAIM")
}

/// A user as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserRecord {
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
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// What a sign-up asks for, parsed.
pub struct SignUp {
    pub username: Username,
    pub name: DisplayName,
    pub email: Email,
    pub password: NewPassword,
}

pub async fn load_user(services: &Services, user_id: &str) -> Result<Option<UserRecord>, ApiError> {
    match services.store.get(&profile_key(user_id)).await? {
        Some(item) => Ok(Some(item.decode()?)),
        None => Ok(None),
    }
}

async fn user_by_username(
    services: &Services,
    username: &str,
) -> Result<Option<UserRecord>, ApiError> {
    let Some(claim) = services.store.get(&username_claim(username)).await? else {
        return Ok(None);
    };
    match claim.str_attr("user_id") {
        Some(user_id) => load_user(services, user_id).await,
        None => Ok(None),
    }
}

/// Creates the account; the username and the email are claimed in the same transaction, so
/// of two concurrent sign-ups for either, exactly one wins.
pub async fn sign_up(services: &Services, request: SignUp) -> Result<UserRecord, ApiError> {
    let password_hash = passwords::hash(request.password.as_str().to_owned())
        .await
        .map_err(ApiError::unexpected)?;
    let user = UserRecord {
        id: services.ids.new_id(),
        username: request.username.as_str().to_owned(),
        name: request.name.as_str().to_owned(),
        email: request.email.as_str().to_owned(),
        password_hash,
        token_version: 0,
        interviews_used: 0,
        cvs_count: 0,
        created_at: services.clock.now(),
    };
    let claim = |key: ItemKey| WriteOp::Put {
        item: Item::new(
            key,
            json!({ "user_id": user.id })
                .as_object()
                .cloned()
                .unwrap_or_default(),
        ),
        condition: Some(Condition::Absent),
    };
    let result = services
        .store
        .transact(vec![
            WriteOp::Put {
                item: Item::of(profile_key(&user.id), &user)?,
                condition: Some(Condition::Absent),
            },
            claim(username_claim(&user.username)),
            claim(email_claim(&request.email.canonical())),
        ])
        .await;
    match result {
        Ok(()) => Ok(user),
        Err(StoreError::TransactionCancelled { failed }) if failed.contains(&1) => {
            Err(ApiError::Conflict {
                code: "username_taken",
                detail: "That username is taken.".into(),
            })
        }
        Err(StoreError::TransactionCancelled { failed }) if failed.contains(&2) => {
            Err(ApiError::Conflict {
                code: "email_taken",
                detail: "An account with that email exists.".into(),
            })
        }
        Err(other) => Err(other.into()),
    }
}

/// The one answer for an unknown username and a wrong password.
fn bad_credentials() -> ApiError {
    ApiError::Unauthorized("invalid username or password".into())
}

/// Checks the credentials under the failed-log-in throttle and issues a token.
pub async fn log_in(
    services: &Services,
    username: &str,
    password: &str,
) -> Result<AccessToken, ApiError> {
    // An impossible username is still throttled and still costs a hash verification, so it
    // looks exactly like an unknown one.
    let username = username.trim().to_lowercase();
    let throttle = throttle::LoginThrottle::new(services, &username);
    throttle.check().await?;
    let user = match Username::parse(&username) {
        Ok(_) => user_by_username(services, &username).await?,
        Err(_) => None,
    };
    let matches = passwords::verify(
        password.to_owned(),
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await;
    match user {
        Some(user) if matches => {
            throttle.clear().await?;
            services
                .tokens
                .issue(&user.id, user.token_version, services.clock.unix_now())
                .map_err(ApiError::unexpected)
        }
        _ => {
            throttle.record_failure().await?;
            Err(bad_credentials())
        }
    }
}

/// Revokes every token of the user issued so far.
pub async fn revoke_tokens(services: &Services, user_id: &str) -> Result<(), ApiError> {
    services
        .store
        .update(
            &profile_key(user_id),
            vec![Update::Add("token_version".into(), 1)],
            Some(Condition::Present),
        )
        .await?;
    Ok(())
}

async fn check_password(user: &UserRecord, password: &str, field: &str) -> Result<(), ApiError> {
    if passwords::verify(password.to_owned(), Some(user.password_hash.clone())).await {
        Ok(())
    } else {
        Err(ApiError::Validation(vec![crate::FieldError::new(
            field,
            "is not the account's password",
        )]))
    }
}

/// Sets a new password and revokes every token issued so far.
pub async fn change_password(
    services: &Services,
    user: &UserRecord,
    current: &str,
    new: NewPassword,
) -> Result<(), ApiError> {
    check_password(user, current, "current_password").await?;
    let password_hash = passwords::hash(new.as_str().to_owned())
        .await
        .map_err(ApiError::unexpected)?;
    services
        .store
        .update(
            &profile_key(&user.id),
            vec![
                Update::set("password_hash", password_hash),
                Update::Add("token_version".into(), 1),
            ],
            Some(Condition::equals("token_version", user.token_version)),
        )
        .await
        .map_err(|e| match e {
            // Revoked in between (a log-out or another change): the caller's token is gone.
            StoreError::ConditionFailed => ApiError::Unauthorized("the token was revoked".into()),
            other => other.into(),
        })?;
    Ok(())
}

/// Deletes the account and everything the user owns: every object under the user's prefix,
/// every item of the user's partition, the uniqueness claims, and the profile last (so an
/// interrupted deletion can be retried with the same password).
pub async fn delete_account(
    services: &Services,
    user: &UserRecord,
    password: &str,
) -> Result<(), ApiError> {
    check_password(user, password, "password").await?;
    revoke_tokens(services, &user.id).await?;
    services
        .blobs
        .delete_prefix(&user_blob_prefix(&user.id))
        .await?;
    let profile = profile_key(&user.id);
    for item in query_all(services.store.as_ref(), &profile.pk, "").await? {
        if item.key != profile {
            services.store.delete(&item.key, None).await?;
        }
    }
    let email = Email::parse(&user.email)
        .map(|e| e.canonical())
        .unwrap_or_else(|_| user.email.to_lowercase());
    for claim in [username_claim(&user.username), email_claim(&email)] {
        services
            .store
            .delete(&claim, Some(Condition::equals("user_id", user.id.as_str())))
            .await
            .or_else(|e| match e {
                StoreError::ConditionFailed => Ok(()),
                other => Err(other),
            })?;
    }
    throttle::LoginThrottle::new(services, &user.username)
        .clear()
        .await?;
    services.store.delete(&profile, None).await?;
    Ok(())
}
