//! The accounts repository: profiles, uniqueness claims and the failed-log-in window.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::layout::{
    attr, email_claim, login_failures_key, profile_key, user_partition, username_claim,
};
use super::{Transaction, TransactionFailure};
use crate::domain::account::{AccountError, User};
use crate::ports::item_store::query_all;
use crate::ports::{Condition, Item, ItemKey, ItemStore, StoreError, Update, WriteOp};

/// The failed-log-in window as stored: when it started and how many failures it holds.
#[derive(Clone, Copy, Debug)]
pub struct FailureWindow {
    pub started_at: i64,
    pub failures: i64,
}

#[derive(Clone)]
pub struct AccountStore {
    store: Arc<dyn ItemStore>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum SignUpWrite {
    Profile,
    Username,
    Email,
}

fn attributes(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

impl AccountStore {
    pub fn new(store: Arc<dyn ItemStore>) -> Self {
        Self { store }
    }

    pub async fn get(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        match self.store.get(&profile_key(user_id)).await? {
            Some(item) => Ok(Some(item.decode()?)),
            None => Ok(None),
        }
    }

    pub async fn by_username(&self, username: &str) -> Result<Option<User>, StoreError> {
        let Some(claim) = self.store.get(&username_claim(username)).await? else {
            return Ok(None);
        };
        match claim.str_attr(attr::USER_ID) {
            Some(user_id) => self.get(user_id).await,
            None => Ok(None),
        }
    }

    /// Writes the profile and claims its username and email in one transaction, so of two
    /// concurrent sign-ups for either, exactly one wins.
    pub async fn create(&self, user: &User, canonical_email: &str) -> Result<(), AccountError> {
        let claim = |key: ItemKey| WriteOp::Put {
            item: Item::new(key, attributes(json!({ attr::USER_ID: user.id }))),
            condition: Some(Condition::Absent),
        };
        let mut transaction = Transaction::new();
        transaction.push(
            SignUpWrite::Profile,
            WriteOp::Put {
                item: Item::of(profile_key(&user.id), user)?,
                condition: Some(Condition::Absent),
            },
        );
        transaction.push(SignUpWrite::Username, claim(username_claim(&user.username)));
        transaction.push(SignUpWrite::Email, claim(email_claim(canonical_email)));
        match transaction.commit(self.store.as_ref()).await {
            Err(TransactionFailure::Conditions(failed))
                if failed.contains(&SignUpWrite::Username) =>
            {
                Err(AccountError::UsernameTaken)
            }
            Err(TransactionFailure::Conditions(failed)) if failed.contains(&SignUpWrite::Email) => {
                Err(AccountError::EmailTaken)
            }
            other => Ok(other?),
        }
    }

    /// Revokes every token of the user issued so far.
    pub async fn revoke_tokens(&self, user_id: &str) -> Result<(), StoreError> {
        self.store
            .update(
                &profile_key(user_id),
                vec![Update::Add(attr::TOKEN_VERSION.into(), 1)],
                Some(Condition::Present),
            )
            .await?;
        Ok(())
    }

    /// Sets a new password hash and revokes every token, if no token was revoked since the
    /// caller's (`token_version`).
    pub async fn replace_password(
        &self,
        user: &User,
        password_hash: String,
    ) -> Result<(), AccountError> {
        self.store
            .update(
                &profile_key(&user.id),
                vec![
                    Update::set(attr::PASSWORD_HASH, password_hash),
                    Update::Add(attr::TOKEN_VERSION.into(), 1),
                ],
                Some(Condition::equals(attr::TOKEN_VERSION, user.token_version)),
            )
            .await
            .map_err(|e| match e {
                // Revoked in between (a log-out or another change): the caller's token is gone.
                StoreError::ConditionFailed => AccountError::TokenRevoked,
                other => other.into(),
            })?;
        Ok(())
    }

    /// Deletes every item of the user: the partition, the claims, the log-in window, the
    /// markers of pending work, and the profile last (so an interrupted deletion can be retried with the same password).
    pub async fn delete_all(&self, user: &User) -> Result<(), StoreError> {
        let profile = profile_key(&user.id);
        for item in query_all(self.store.as_ref(), &user_partition(&user.id), "").await? {
            if item.key != profile {
                self.store.delete(&item.key, None).await?;
            }
        }
        for claim in [
            username_claim(&user.username),
            email_claim(&user.canonical_email()),
        ] {
            let owned = Condition::equals(attr::USER_ID, user.id.as_str());
            match self.store.delete(&claim, Some(owned)).await {
                Ok(()) | Err(StoreError::ConditionFailed) => {}
                Err(other) => return Err(other),
            }
        }
        self.clear_failures(&user.username).await?;
        super::pending_work::PendingWork::new(Arc::clone(&self.store))
            .remove_all_of(&user.id)
            .await?;
        self.store.delete(&profile, None).await
    }

    /// The failed-log-in window of a username, open or not.
    pub async fn failure_window(
        &self,
        username: &str,
    ) -> Result<Option<FailureWindow>, StoreError> {
        Ok(self
            .store
            .get(&login_failures_key(username))
            .await?
            .and_then(|item| {
                Some(FailureWindow {
                    started_at: item.int_attr(attr::STARTED_AT)?,
                    failures: item.int_attr(attr::FAILURES)?,
                })
            }))
    }

    /// Counts one more failure in the window that started at `started_at`; `ConditionFailed`
    /// when another writer moved the window first.
    pub async fn add_failure(&self, username: &str, started_at: i64) -> Result<(), StoreError> {
        self.store
            .update(
                &login_failures_key(username),
                vec![Update::Add(attr::FAILURES.into(), 1)],
                Some(Condition::equals(attr::STARTED_AT, started_at)),
            )
            .await
            .map(|_| ())
    }

    /// Opens a new window with one failure, replacing `stale` (the window read before, if
    /// any); `ConditionFailed` when another writer moved it first. The item expires a little
    /// after the window.
    pub async fn open_window(
        &self,
        username: &str,
        stale: Option<FailureWindow>,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let attrs = attributes(json!({ attr::STARTED_AT: now, attr::FAILURES: 1 }));
        let condition = match stale {
            Some(window) => Condition::equals(attr::STARTED_AT, window.started_at),
            None => Condition::Absent,
        };
        let item = Item::new(login_failures_key(username), attrs).expiring_at(expires_at);
        self.store.put(item, Some(condition)).await
    }

    /// Forgets the failures of a username.
    pub async fn clear_failures(&self, username: &str) -> Result<(), StoreError> {
        self.store.delete(&login_failures_key(username), None).await
    }
}
