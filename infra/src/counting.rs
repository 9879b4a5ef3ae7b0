//! An item store that counts the round trips it makes, for measuring the hot paths.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

use cyi_shared::ports::item_store::{
    Condition, Item, ItemKey, ItemStore, Page, Query, StoreError, Update, WriteOp,
};

/// Wraps a store; every call is one round trip to the backend and is counted.
pub struct CountingStore {
    inner: Arc<dyn ItemStore>,
    calls: AtomicUsize,
}

impl CountingStore {
    pub fn new(inner: Arc<dyn ItemStore>) -> Self {
        Self {
            inner,
            calls: AtomicUsize::new(0),
        }
    }

    /// Round trips so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl ItemStore for CountingStore {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        self.count();
        self.inner.get(key).await
    }
    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        self.count();
        self.inner.put(item, condition).await
    }
    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError> {
        self.count();
        self.inner.update(key, updates, condition).await
    }
    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError> {
        self.count();
        self.inner.delete(key, condition).await
    }
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        self.count();
        self.inner.query(query).await
    }
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        self.count();
        self.inner.transact(ops).await
    }
}
