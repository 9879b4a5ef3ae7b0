//! The item store on DynamoDB: one table, `pk`/`sk` string keys, TTL on `expires_at`.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, Put, ReturnValue, TransactWriteItem, Update as DynamoUpdate,
};
use serde_json::{Map, Number, Value};

use crate::ports::item_store::{
    Condition, Item, ItemKey, ItemStore, Page, Query, StoreError, Update, WriteOp,
    validate_attributes, validate_transaction, validate_updates,
};
use crate::ports::{Clock, SystemClock};

/// Times a transaction cancelled by a concurrent one is tried again.
const MAX_CONFLICT_RETRIES: u32 = 3;

const PK: &str = "pk";
const SK: &str = "sk";
const EXPIRES_AT: &str = "expires_at";

pub struct DynamoItemStore {
    client: Client,
    table: String,
    clock: SystemClock,
}

impl DynamoItemStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
            clock: SystemClock,
        }
    }

    fn key_map(key: &ItemKey) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (PK.to_owned(), AttributeValue::S(key.pk.clone())),
            (SK.to_owned(), AttributeValue::S(key.sk.clone())),
        ])
    }
}

fn to_attribute(value: &Value) -> AttributeValue {
    match value {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(values) => AttributeValue::L(values.iter().map(to_attribute).collect()),
        Value::Object(map) => AttributeValue::M(
            map.iter()
                .map(|(k, v)| (k.clone(), to_attribute(v)))
                .collect(),
        ),
    }
}

fn from_attribute(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => parse_number(n),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::L(values) => Value::Array(values.iter().map(from_attribute).collect()),
        AttributeValue::M(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), from_attribute(v)))
                .collect(),
        ),
        // String sets come back sorted, as the embedded store keeps them.
        AttributeValue::Ss(values) => {
            let mut values = values.clone();
            values.sort();
            values.into_iter().map(Value::String).collect()
        }
        // NULL, binary and the rest are never written by this adapter.
        _ => Value::Null,
    }
}

fn parse_number(text: &str) -> Value {
    text.parse::<i64>()
        .map(Value::from)
        .ok()
        .or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(Number::from_f64)
                .map(Value::Number)
        })
        .unwrap_or(Value::Null)
}

fn item_to_map(item: &Item) -> HashMap<String, AttributeValue> {
    let mut map = DynamoItemStore::key_map(&item.key);
    for (name, value) in &item.attrs {
        map.insert(name.clone(), to_attribute(value));
    }
    if let Some(at) = item.expires_at {
        map.insert(EXPIRES_AT.to_owned(), AttributeValue::N(at.to_string()));
    }
    map
}

fn item_from_map(mut map: HashMap<String, AttributeValue>) -> Result<Item, StoreError> {
    let mut take_string = |name: &str| match map.remove(name) {
        Some(AttributeValue::S(s)) => Ok(s),
        _ => Err(StoreError::backend(anyhow::anyhow!(
            "item without a string `{name}`"
        ))),
    };
    let key = ItemKey::new(take_string(PK)?, take_string(SK)?);
    let expires_at = match map.remove(EXPIRES_AT) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    };
    let attrs: Map<String, Value> = map
        .iter()
        .map(|(k, v)| (k.clone(), from_attribute(v)))
        .collect();
    Ok(Item {
        key,
        attrs,
        expires_at,
    })
}

/// A condition or update expression with its placeholder maps.
#[derive(Default)]
struct Expression {
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Expression {
    fn name(&mut self, name: &str) -> String {
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), name.to_owned());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// Expired items count as absent, as in the embedded store; DynamoDB deletes them only
    /// eventually, so the expiry is part of every condition.
    fn condition(&mut self, condition: &Condition, now: i64) -> String {
        let live = |e: &mut Self| {
            let pk = e.name(PK);
            let exp = e.name(EXPIRES_AT);
            let now = e.value(AttributeValue::N(now.to_string()));
            format!("(attribute_exists({pk}) AND (attribute_not_exists({exp}) OR {exp} > {now}))")
        };
        match condition {
            Condition::Absent => {
                let pk = self.name(PK);
                let exp = self.name(EXPIRES_AT);
                let now = self.value(AttributeValue::N(now.to_string()));
                format!("(attribute_not_exists({pk}) OR {exp} <= {now})")
            }
            Condition::Present => live(self),
            Condition::Equals(name, value) => {
                let live = live(self);
                let n = self.name(name);
                let v = self.value(to_attribute(value));
                format!("({live} AND {n} = {v})")
            }
            Condition::LessThan(name, bound) => {
                let live = live(self);
                let n = self.name(name);
                let v = self.value(AttributeValue::N(bound.to_string()));
                format!("({live} AND {n} < {v})")
            }
            Condition::All(all) if all.is_empty() => live(self),
            Condition::All(all) => {
                let parts: Vec<String> = all.iter().map(|c| self.condition(c, now)).collect();
                format!("({})", parts.join(" AND "))
            }
        }
    }

    fn update(&mut self, updates: &[Update]) -> String {
        let (mut sets, mut adds, mut removes) = (Vec::new(), Vec::new(), Vec::new());
        for update in updates {
            match update {
                Update::Set(name, value) => {
                    let n = self.name(name);
                    let v = self.value(to_attribute(value));
                    sets.push(format!("{n} = {v}"));
                }
                Update::Add(name, delta) => {
                    let n = self.name(name);
                    let v = self.value(AttributeValue::N(delta.to_string()));
                    adds.push(format!("{n} {v}"));
                }
                Update::Remove(name) => removes.push(self.name(name)),
                Update::AddToSet(name, members) => {
                    let n = self.name(name);
                    let v = self.value(AttributeValue::Ss(members.clone()));
                    adds.push(format!("{n} {v}"));
                }
                Update::ExpireAt(at) => {
                    let n = self.name(EXPIRES_AT);
                    let v = self.value(AttributeValue::N(at.to_string()));
                    sets.push(format!("{n} = {v}"));
                }
            }
        }
        let mut clauses = Vec::new();
        if !sets.is_empty() {
            clauses.push(format!("SET {}", sets.join(", ")));
        }
        if !adds.is_empty() {
            clauses.push(format!("ADD {}", adds.join(", ")));
        }
        if !removes.is_empty() {
            clauses.push(format!("REMOVE {}", removes.join(", ")));
        }
        clauses.join(" ")
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// Maps a failed conditional write to `ConditionFailed`, anything else to `Backend`.
fn conditional<E>(error: SdkError<E>, is_condition_failure: impl Fn(&E) -> bool) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    SdkError<E>: std::error::Error + Send + Sync + 'static,
{
    match error.as_service_error() {
        Some(service) if is_condition_failure(service) => StoreError::ConditionFailed,
        _ => StoreError::backend(error),
    }
}

#[async_trait]
impl ItemStore for DynamoItemStore {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::key_map(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::backend)?;
        let now = self.clock.unix_now();
        match output.item {
            Some(map) => Ok(Some(item_from_map(map)?).filter(|item| item.is_live(now))),
            None => Ok(None),
        }
    }

    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        validate_attributes(&item.attrs)?;
        let mut expr = Expression::default();
        let condition = condition.map(|c| expr.condition(&c, self.clock.unix_now()));
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item_to_map(&item)))
            .set_condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await
            .map_err(|e| conditional(e, |e| e.is_conditional_check_failed_exception()))?;
        Ok(())
    }

    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError> {
        validate_updates(&updates)?;
        let mut expr = Expression::default();
        let update = expr.update(&updates);
        let condition = condition.map(|c| expr.condition(&c, self.clock.unix_now()));
        let output = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(Self::key_map(key)))
            .update_expression(update)
            .set_condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .return_values(ReturnValue::AllNew)
            .send()
            .await
            .map_err(|e| conditional(e, |e| e.is_conditional_check_failed_exception()))?;
        item_from_map(output.attributes.unwrap_or_default())
    }

    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError> {
        let mut expr = Expression::default();
        let condition = condition.map(|c| expr.condition(&c, self.clock.unix_now()));
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(Self::key_map(key)))
            .set_condition_expression(condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .send()
            .await
            .map_err(|e| conditional(e, |e| e.is_conditional_check_failed_exception()))?;
        Ok(())
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        let mut expr = Expression::default();
        let pk = expr.name(PK);
        let pk_value = expr.value(AttributeValue::S(query.pk.clone()));
        let mut key_condition = format!("{pk} = {pk_value}");
        if !query.sk_prefix.is_empty() {
            let sk = expr.name(SK);
            let prefix = expr.value(AttributeValue::S(query.sk_prefix.clone()));
            key_condition.push_str(&format!(" AND begins_with({sk}, {prefix})"));
        }
        let start = query.after.as_ref().map(|sk| {
            HashMap::from([
                (PK.to_owned(), AttributeValue::S(query.pk.clone())),
                (SK.to_owned(), AttributeValue::S(sk.clone())),
            ])
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression(key_condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            .scan_index_forward(!query.descending)
            .consistent_read(true)
            .set_limit(query.limit.map(|l| l.min(i32::MAX as usize) as i32))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::backend)?;
        let now = self.clock.unix_now();
        let mut items = Vec::new();
        for map in output.items.unwrap_or_default() {
            let item = item_from_map(map)?;
            if item.is_live(now) {
                items.push(item);
            }
        }
        let next = output
            .last_evaluated_key
            .and_then(|mut key| match key.remove(SK) {
                Some(AttributeValue::S(sk)) => Some(sk),
                _ => None,
            });
        Ok(Page { items, next })
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        validate_transaction(&ops)?;
        let now = self.clock.unix_now();
        let mut writes = Vec::with_capacity(ops.len());
        for op in &ops {
            let mut expr = Expression::default();
            let write = match op {
                WriteOp::Put { item, condition } => {
                    let condition = condition.as_ref().map(|c| expr.condition(c, now));
                    TransactWriteItem::builder().put(
                        Put::builder()
                            .table_name(&self.table)
                            .set_item(Some(item_to_map(item)))
                            .set_condition_expression(condition)
                            .set_expression_attribute_names(expr.names())
                            .set_expression_attribute_values(expr.values())
                            .build()
                            .map_err(StoreError::backend)?,
                    )
                }
                WriteOp::Update {
                    key,
                    updates,
                    condition,
                } => {
                    let update = expr.update(updates);
                    let condition = condition.as_ref().map(|c| expr.condition(c, now));
                    TransactWriteItem::builder().update(
                        DynamoUpdate::builder()
                            .table_name(&self.table)
                            .set_key(Some(Self::key_map(key)))
                            .update_expression(update)
                            .set_condition_expression(condition)
                            .set_expression_attribute_names(expr.names())
                            .set_expression_attribute_values(expr.values())
                            .build()
                            .map_err(StoreError::backend)?,
                    )
                }
                WriteOp::Delete { key, condition } => {
                    let condition = condition.as_ref().map(|c| expr.condition(c, now));
                    TransactWriteItem::builder().delete(
                        Delete::builder()
                            .table_name(&self.table)
                            .set_key(Some(Self::key_map(key)))
                            .set_condition_expression(condition)
                            .set_expression_attribute_names(expr.names())
                            .set_expression_attribute_values(expr.values())
                            .build()
                            .map_err(StoreError::backend)?,
                    )
                }
            };
            writes.push(write.build());
        }
        // DynamoDB cancels a transaction that meets a concurrent one on the same item
        // (`TransactionConflict`); trying again is what it asks for, and the conditions then
        // decide the race.
        let mut attempt = 0;
        loop {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes.clone()))
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            let reasons = match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
                    e.cancellation_reasons().to_vec()
                }
                _ => return Err(StoreError::backend(error)),
            };
            let failed: Vec<usize> = reasons
                .iter()
                .enumerate()
                .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                .map(|(i, _)| i)
                .collect();
            if !failed.is_empty() {
                return Err(StoreError::TransactionCancelled { failed });
            }
            let conflicted = reasons
                .iter()
                .any(|r| r.code() == Some("TransactionConflict"));
            if !conflicted || attempt == MAX_CONFLICT_RETRIES {
                return Err(StoreError::backend(error));
            }
            attempt += 1;
            let jitter = rand::random_range(10..=50u64) * u64::from(attempt);
            tokio::time::sleep(std::time::Duration::from_millis(jitter)).await;
        }
    }
}
