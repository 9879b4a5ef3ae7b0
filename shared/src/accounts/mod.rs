//! Accounts: sign-up, log-in with throttling, tokens with revocation, password change and
//! deletion of everything a user owns.

pub mod passwords;
pub mod throttle;
pub mod tokens;

use std::sync::Arc;

use crate::domain::account::{AccountError, SignUp, User, Username};
use crate::ports::{BlobStore, Clock, IdGenerator};
use crate::storage::accounts::AccountStore;
use crate::storage::layout::user_blob_prefix;
use tokens::{AccessToken, TokenAuthority};

/// The accounts use cases, with only what they use.
#[derive(Clone)]
pub struct Accounts {
    pub(crate) repo: AccountStore,
    pub(crate) blobs: Arc<dyn BlobStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
    pub(crate) tokens: Arc<TokenAuthority>,
}

impl Accounts {
    pub fn new(
        repo: AccountStore,
        blobs: Arc<dyn BlobStore>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
        tokens: Arc<TokenAuthority>,
    ) -> Self {
        Self {
            repo,
            blobs,
            clock,
            ids,
            tokens,
        }
    }

    /// Creates the account; of two concurrent sign-ups for a username or an email, exactly
    /// one wins.
    pub async fn sign_up(&self, request: SignUp) -> Result<User, AccountError> {
        let password_hash = passwords::hash(request.password.as_str().to_owned())
            .await
            .map_err(AccountError::Unexpected)?;
        let user = User {
            id: self.ids.new_id(),
            username: request.username.as_str().to_owned(),
            name: request.name.as_str().to_owned(),
            email: request.email.as_str().to_owned(),
            password_hash,
            token_version: 0,
            interviews_used: 0,
            cvs_count: 0,
            postings_count: 0,
            created_at: self.clock.now(),
        };
        self.repo.create(&user, &request.email.canonical()).await?;
        Ok(user)
    }

    /// Checks the credentials under the failed-log-in throttle and issues a token.
    pub async fn log_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<AccessToken, AccountError> {
        // An impossible username is still throttled and still costs a hash verification, so
        // it looks exactly like an unknown one.
        let username = username.trim().to_lowercase();
        throttle::check(&self.repo, &username, self.clock.unix_now()).await?;
        let user = match Username::parse(&username) {
            Ok(_) => self.repo.by_username(&username).await?,
            Err(_) => None,
        };
        let matches = passwords::verify(
            password.to_owned(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await;
        match user {
            Some(user) if matches => {
                self.repo.clear_failures(&username).await?;
                self.tokens
                    .issue(&user.id, user.token_version, self.clock.unix_now())
                    .map_err(AccountError::Unexpected)
            }
            _ => {
                throttle::record_failure(&self.repo, &username, || self.clock.unix_now()).await?;
                Err(AccountError::BadCredentials)
            }
        }
    }

    /// The user a bearer token stands for, as stored now: a token revoked since it was
    /// issued (log-out, password change) stands for no one.
    pub async fn authenticate(&self, token: &str) -> Result<User, AccountError> {
        let claims = self
            .tokens
            .verify(token, self.clock.unix_now())
            .map_err(|_| AccountError::Unauthenticated("the token is invalid or expired"))?;
        self.repo
            .get(&claims.sub)
            .await?
            .filter(|user| user.token_version == claims.ver)
            .ok_or(AccountError::TokenRevoked)
    }

    /// Revokes every token of the user issued so far.
    pub async fn log_out(&self, user: &User) -> Result<(), AccountError> {
        Ok(self.repo.revoke_tokens(&user.id).await?)
    }

    async fn check_password(user: &User, password: &str, field: &str) -> Result<(), AccountError> {
        if passwords::verify(password.to_owned(), Some(user.password_hash.clone())).await {
            Ok(())
        } else {
            Err(AccountError::invalid(
                field,
                "is not the account's password",
            ))
        }
    }

    /// Sets a new password and revokes every token issued so far.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: crate::domain::account::NewPassword,
    ) -> Result<(), AccountError> {
        Self::check_password(user, current, "current_password").await?;
        let password_hash = passwords::hash(new.as_str().to_owned())
            .await
            .map_err(AccountError::Unexpected)?;
        self.repo.replace_password(user, password_hash).await
    }

    /// Deletes the account and everything the user owns: every object under the user's
    /// prefix, then every item (the profile last, so an interrupted deletion can be retried
    /// with the same password).
    pub async fn delete_account(&self, user: &User, password: &str) -> Result<(), AccountError> {
        Self::check_password(user, password, "password").await?;
        self.repo.revoke_tokens(&user.id).await?;
        self.blobs
            .delete_prefix(&user_blob_prefix(&user.id))
            .await?;
        Ok(self.repo.delete_all(user).await?)
    }
}
