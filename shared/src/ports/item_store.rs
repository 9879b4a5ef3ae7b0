//! The item store: a narrow key-value port with DynamoDB semantics (conditional writes,
//! partition + sort-key-prefix queries, small all-or-nothing transactions, expiry), so every
//! repository is written once and runs on DynamoDB and on the embedded SQLite file alike.

use async_trait::async_trait;
use serde_json::{Map, Value};

/// Attribute names the adapters reserve for the key and the expiry.
pub const RESERVED_ATTRIBUTES: [&str; 3] = ["pk", "sk", "expires_at"];

/// Most operations one transaction may hold (DynamoDB's limit).
pub const MAX_TRANSACTION_OPS: usize = 100;

/// Non-key attributes of an item.
pub type Attributes = Map<String, Value>;

/// The primary key of an item: partition key and sort key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub pk: String,
    pub sk: String,
}

impl ItemKey {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }
}

/// One stored item.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub key: ItemKey,
    pub attrs: Attributes,
    /// Unix seconds after which the item counts as gone (reads skip it, `Absent` holds).
    pub expires_at: Option<i64>,
}

impl Item {
    pub fn new(key: ItemKey, attrs: Attributes) -> Self {
        Self {
            key,
            attrs,
            expires_at: None,
        }
    }

    /// An item whose attributes are the fields of a record.
    pub fn of<T: serde::Serialize>(key: ItemKey, record: &T) -> Result<Self, StoreError> {
        match serde_json::to_value(record).map_err(StoreError::backend)? {
            Value::Object(attrs) => Ok(Self::new(key, attrs)),
            _ => Err(StoreError::Invalid(
                "an item holds a record, not a bare value".into(),
            )),
        }
    }

    /// The record an item holds.
    pub fn decode<T: serde::de::DeserializeOwned>(self) -> Result<T, StoreError> {
        serde_json::from_value(Value::Object(self.attrs)).map_err(StoreError::backend)
    }

    pub fn expiring_at(mut self, unix_seconds: i64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    /// Whether the item is still alive at `now` (unix seconds).
    pub fn is_live(&self, now: i64) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }

    pub fn str_attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(Value::as_str)
    }

    pub fn int_attr(&self, name: &str) -> Option<i64> {
        self.attrs.get(name).and_then(Value::as_i64)
    }
}

/// A condition a write must meet. Every condition but `Absent` also requires a live item.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// No item, or only an expired one.
    Absent,
    /// A live item.
    Present,
    /// A live item whose attribute equals the value.
    Equals(String, Value),
    /// A live item whose numeric attribute is present and below the bound.
    LessThan(String, i64),
    /// Every condition holds.
    All(Vec<Condition>),
}

impl Condition {
    pub fn equals(name: &str, value: impl Into<Value>) -> Self {
        Self::Equals(name.to_owned(), value.into())
    }

    /// Evaluates the condition against the current item; the one definition the adapters that
    /// evaluate conditions themselves share.
    pub fn holds(&self, current: Option<&Item>, now: i64) -> bool {
        let live = current.filter(|item| item.is_live(now));
        match self {
            Self::Absent => live.is_none(),
            Self::Present => live.is_some(),
            Self::Equals(name, value) => live.is_some_and(|i| i.attrs.get(name) == Some(value)),
            Self::LessThan(name, bound) => live
                .and_then(|i| i.attrs.get(name))
                .and_then(Value::as_f64)
                .is_some_and(|n| n < *bound as f64),
            Self::All(all) => all.iter().all(|c| c.holds(current, now)),
        }
    }
}

/// One change an update makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    Set(String, Value),
    /// Adds to a numeric attribute, a missing one counting as 0.
    Add(String, i64),
    Remove(String),
    /// Adds strings to a set attribute (a list without duplicates), creating it if missing.
    AddToSet(String, Vec<String>),
    /// Sets the expiry (unix seconds).
    ExpireAt(i64),
}

impl Update {
    pub fn set(name: &str, value: impl Into<Value>) -> Self {
        Self::Set(name.to_owned(), value.into())
    }

    /// Applies the change to an item's attributes; the one definition the adapters that apply
    /// updates themselves share.
    pub fn apply(&self, item: &mut Item) {
        match self {
            Self::Set(name, value) => {
                item.attrs.insert(name.clone(), value.clone());
            }
            Self::Add(name, delta) => {
                let current = item.attrs.get(name).and_then(Value::as_i64).unwrap_or(0);
                item.attrs
                    .insert(name.clone(), Value::from(current + delta));
            }
            Self::Remove(name) => {
                item.attrs.remove(name);
            }
            Self::AddToSet(name, members) => {
                let mut set: Vec<Value> = match item.attrs.remove(name) {
                    Some(Value::Array(values)) => values,
                    _ => Vec::new(),
                };
                for member in members {
                    let member = Value::String(member.clone());
                    if !set.contains(&member) {
                        set.push(member);
                    }
                }
                set.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                item.attrs.insert(name.clone(), Value::Array(set));
            }
            Self::ExpireAt(at) => item.expires_at = Some(*at),
        }
    }
}

/// One write of a transaction.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteOp {
    Put {
        item: Item,
        condition: Option<Condition>,
    },
    Update {
        key: ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    },
    Delete {
        key: ItemKey,
        condition: Option<Condition>,
    },
}

impl WriteOp {
    pub fn key(&self) -> &ItemKey {
        match self {
            Self::Put { item, .. } => &item.key,
            Self::Update { key, .. } | Self::Delete { key, .. } => key,
        }
    }

    pub fn condition(&self) -> Option<&Condition> {
        match self {
            Self::Put { condition, .. }
            | Self::Update { condition, .. }
            | Self::Delete { condition, .. } => condition.as_ref(),
        }
    }
}

/// Items of one partition whose sort key starts with a prefix, in sort-key order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pub pk: String,
    pub sk_prefix: String,
    /// Most items to examine; expired ones are skipped after, so a page may hold fewer.
    pub limit: Option<usize>,
    pub descending: bool,
    /// Continue after this sort key (from a previous page's `next`).
    pub after: Option<String>,
}

impl Query {
    pub fn prefix(pk: impl Into<String>, sk_prefix: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk_prefix: sk_prefix.into(),
            ..Self::default()
        }
    }
}

/// One page of a query.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
    /// Sort key to continue after, when more items may follow.
    pub next: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the write's condition did not hold")]
    ConditionFailed,
    #[error("the transaction was cancelled; conditions failed at {failed:?}")]
    TransactionCancelled { failed: Vec<usize> },
    #[error("invalid request to the item store: {0}")]
    Invalid(String),
    #[error("the item store failed")]
    Backend(#[source] anyhow::Error),
}

impl StoreError {
    pub fn backend(error: impl Into<anyhow::Error>) -> Self {
        Self::Backend(error.into())
    }
}

/// Checks what every adapter refuses before it reaches the backend.
pub fn validate_attributes(attrs: &Attributes) -> Result<(), StoreError> {
    match attrs
        .keys()
        .find(|k| RESERVED_ATTRIBUTES.contains(&k.as_str()))
    {
        Some(name) => Err(StoreError::Invalid(format!(
            "attribute name `{name}` is reserved"
        ))),
        None => Ok(()),
    }
}

/// Checks a transaction's size and that no item appears twice (DynamoDB refuses both).
pub fn validate_transaction(ops: &[WriteOp]) -> Result<(), StoreError> {
    if ops.is_empty() || ops.len() > MAX_TRANSACTION_OPS {
        return Err(StoreError::Invalid(format!(
            "a transaction holds 1 to {MAX_TRANSACTION_OPS} operations, not {}",
            ops.len()
        )));
    }
    let mut keys: Vec<&ItemKey> = ops.iter().map(WriteOp::key).collect();
    keys.sort();
    if keys.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(StoreError::Invalid(
            "a transaction touches each item at most once".into(),
        ));
    }
    for op in ops {
        match op {
            WriteOp::Put { item, .. } => validate_attributes(&item.attrs)?,
            WriteOp::Update { updates, .. } => validate_updates(updates)?,
            WriteOp::Delete { .. } => {}
        }
    }
    Ok(())
}

pub fn validate_updates(updates: &[Update]) -> Result<(), StoreError> {
    for update in updates {
        if let Update::AddToSet(_, members) = update
            && members.is_empty()
        {
            return Err(StoreError::Invalid("a set addition adds something".into()));
        }
        if let Update::Set(name, _)
        | Update::Add(name, _)
        | Update::Remove(name)
        | Update::AddToSet(name, _) = update
            && RESERVED_ATTRIBUTES.contains(&name.as_str())
        {
            return Err(StoreError::Invalid(format!(
                "attribute name `{name}` is reserved"
            )));
        }
    }
    if updates.is_empty() {
        return Err(StoreError::Invalid("an update changes something".into()));
    }
    Ok(())
}

#[async_trait]
pub trait ItemStore: Send + Sync {
    /// The live item under the key.
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError>;
    /// Writes the whole item when the condition holds.
    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError>;
    /// Changes attributes (creating the item when absent, unless the condition forbids) and
    /// returns the item as written.
    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError>;
    /// Deletes the item when the condition holds; deleting nothing is not an error.
    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError>;
    /// One page of live items of a partition under a sort-key prefix.
    async fn query(&self, query: Query) -> Result<Page, StoreError>;
    /// Applies every write or none: when any condition fails, nothing changes and
    /// `TransactionCancelled` names the failed positions.
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError>;
}

/// Every live item of a partition under a prefix, following pages.
pub async fn query_all(
    store: &dyn ItemStore,
    pk: &str,
    sk_prefix: &str,
) -> Result<Vec<Item>, StoreError> {
    query_every_page(store, Query::prefix(pk, sk_prefix)).await
}

/// Every live item a query matches, in its order, following pages.
pub async fn query_every_page(
    store: &dyn ItemStore,
    mut query: Query,
) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    loop {
        let page = store.query(query.clone()).await?;
        items.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(items),
        }
    }
}
