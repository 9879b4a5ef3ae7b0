//! Failed log-ins per username: after `MAX_FAILURES` within `WINDOW_SECONDS` of the first,
//! every attempt (the right password too) gets 429 until the window passes.

use serde_json::{Map, json};

use crate::error::ApiError;
use crate::ports::{Condition, Item, ItemKey, StoreError, Update};
use crate::services::Services;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECONDS: i64 = 15 * 60;

pub struct LoginThrottle<'a> {
    services: &'a Services,
    key: ItemKey,
}

/// The window as stored: when it started and how many failures it holds.
struct Window {
    started_at: i64,
    failures: i64,
}

impl<'a> LoginThrottle<'a> {
    pub fn new(services: &'a Services, username: &str) -> Self {
        Self {
            services,
            key: ItemKey::new(format!("LOGIN#{username}"), "FAILURES"),
        }
    }

    /// The window still open at `now`, if any.
    async fn open_window(&self, now: i64) -> Result<Option<Window>, ApiError> {
        let window = self.services.store.get(&self.key).await?.and_then(|item| {
            Some(Window {
                started_at: item.int_attr("started_at")?,
                failures: item.int_attr("failures")?,
            })
        });
        Ok(window.filter(|w| w.started_at + WINDOW_SECONDS > now))
    }

    /// Refuses the attempt while the window is full.
    pub async fn check(&self) -> Result<(), ApiError> {
        let now = self.services.clock.unix_now();
        match self.open_window(now).await? {
            Some(window) if window.failures >= MAX_FAILURES => Err(ApiError::TooManyRequests {
                code: "too_many_login_attempts",
                detail: "Too many failed log-ins for this username; try again later.".into(),
                retry_after_seconds: Some((window.started_at + WINDOW_SECONDS - now).max(1) as u64),
            }),
            _ => Ok(()),
        }
    }

    /// Counts a failure: in the open window, or in a new one. Concurrent failures each
    /// count: every write is conditional on the window it read, and a lost race re-reads.
    pub async fn record_failure(&self) -> Result<(), ApiError> {
        for _ in 0..5 {
            let now = self.services.clock.unix_now();
            let result = match self.open_window(now).await? {
                Some(window) => self
                    .services
                    .store
                    .update(
                        &self.key,
                        vec![Update::Add("failures".into(), 1)],
                        Some(Condition::equals("started_at", window.started_at)),
                    )
                    .await
                    .map(|_| ()),
                None => {
                    let attrs: Map<_, _> = json!({ "started_at": now, "failures": 1 })
                        .as_object()
                        .cloned()
                        .unwrap_or_default();
                    let stale = self.services.store.get(&self.key).await?;
                    let condition = match stale.as_ref().and_then(|i| i.int_attr("started_at")) {
                        Some(started_at) => Condition::equals("started_at", started_at),
                        None => Condition::Absent,
                    };
                    // Kept a little past the window, then the store's expiry collects it.
                    let item =
                        Item::new(self.key.clone(), attrs).expiring_at(now + WINDOW_SECONDS + 60);
                    self.services.store.put(item, Some(condition)).await
                }
            };
            match result {
                Ok(()) => return Ok(()),
                Err(StoreError::ConditionFailed) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(ApiError::unexpected(anyhow::anyhow!(
            "could not record a failed log-in under contention"
        )))
    }

    /// Forgets the failures after a successful log-in.
    pub async fn clear(&self) -> Result<(), ApiError> {
        self.services.store.delete(&self.key, None).await?;
        Ok(())
    }
}
