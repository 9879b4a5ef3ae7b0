//! Failed log-ins per username: after `MAX_FAILURES` within `WINDOW_SECONDS` of the first,
//! every attempt (the right password too) is refused until the window passes.

use crate::domain::account::AccountError;
use crate::ports::StoreError;
use crate::storage::accounts::{AccountStore, FailureWindow};

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECONDS: i64 = 15 * 60;

fn is_open(window: &FailureWindow, now: i64) -> bool {
    window.started_at + WINDOW_SECONDS > now
}

/// Refuses the attempt while the username's window is full.
pub async fn check(accounts: &AccountStore, username: &str, now: i64) -> Result<(), AccountError> {
    match accounts.failure_window(username).await? {
        Some(window) if is_open(&window, now) && window.failures >= MAX_FAILURES => {
            Err(AccountError::TooManyLogins {
                retry_after_seconds: (window.started_at + WINDOW_SECONDS - now).max(1) as u64,
            })
        }
        _ => Ok(()),
    }
}

/// Counts a failure: in the open window, or in a new one. Concurrent failures each count:
/// every write is conditional on the window it read, and a lost race reads again.
pub async fn record_failure(
    accounts: &AccountStore,
    username: &str,
    now: impl Fn() -> i64,
) -> Result<(), AccountError> {
    for _ in 0..5 {
        let now = now();
        let window = accounts.failure_window(username).await?;
        let result = match window {
            Some(open) if is_open(&open, now) => {
                accounts.add_failure(username, open.started_at).await
            }
            // Kept a little past the window, then the store's expiry collects it.
            stale => {
                accounts
                    .open_window(username, stale, now, now + WINDOW_SECONDS + 60)
                    .await
            }
        };
        match result {
            Ok(()) => return Ok(()),
            Err(StoreError::ConditionFailed) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    Err(AccountError::Unexpected(anyhow::anyhow!(
        "could not record a failed log-in under contention"
    )))
}
