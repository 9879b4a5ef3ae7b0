//! An item store that counts the round trips it makes, and the DynamoDB request units they
//! would consume (from the items' sizes), and a model that counts the tokens a provider would
//! be sent and return: for measuring the hot paths and the bill.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cost::{estimated_tokens, read_units, write_units};

use async_trait::async_trait;

use cyi_shared::domain::evaluation::{
    Evaluation, EvaluationRequest, LlmError, PersonalQuestion, PersonalQuestionsRequest,
};
use cyi_shared::domain::follow_up::{FollowUp, FollowUpRequest};
use cyi_shared::llm::chat::{evaluation_prompt, follow_up_prompt, personal_questions_prompt};
use cyi_shared::ports::Llm;
use cyi_shared::ports::item_store::{
    Condition, Item, ItemKey, ItemStore, Page, Query, StoreError, Update, WriteOp,
};

/// Wraps a store; every call is one round trip to the backend and is counted.
pub struct CountingStore {
    inner: Arc<dyn ItemStore>,
    calls: AtomicUsize,
    read_units: AtomicUsize,
    write_units: AtomicUsize,
}

/// An item's size as DynamoDB counts it, near enough: its keys and its attributes.
fn size(item: &Item) -> usize {
    item.key.pk.len()
        + item.key.sk.len()
        + serde_json::to_string(&item.attrs).map_or(0, |attrs| attrs.len())
}

impl CountingStore {
    pub fn new(inner: Arc<dyn ItemStore>) -> Self {
        Self {
            inner,
            calls: AtomicUsize::new(0),
            read_units: AtomicUsize::new(0),
            write_units: AtomicUsize::new(0),
        }
    }

    /// Round trips so far.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Read and write request units so far.
    pub fn units(&self) -> (usize, usize) {
        (
            self.read_units.load(Ordering::SeqCst),
            self.write_units.load(Ordering::SeqCst),
        )
    }

    fn count(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }

    fn read(&self, bytes: usize) {
        self.read_units
            .fetch_add(read_units(bytes) as usize, Ordering::SeqCst);
    }

    fn wrote(&self, units: f64) {
        self.write_units.fetch_add(units as usize, Ordering::SeqCst);
    }
}

#[async_trait]
impl ItemStore for CountingStore {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        self.count();
        let item = self.inner.get(key).await?;
        self.read(item.as_ref().map_or(0, size));
        Ok(item)
    }
    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        self.count();
        self.wrote(write_units(size(&item)));
        self.inner.put(item, condition).await
    }
    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError> {
        self.count();
        let item = self.inner.update(key, updates, condition).await?;
        self.wrote(write_units(size(&item)));
        Ok(item)
    }
    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError> {
        self.count();
        self.wrote(1.0);
        self.inner.delete(key, condition).await
    }
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        self.count();
        let page = self.inner.query(query).await?;
        self.read(page.items.iter().map(size).sum());
        Ok(page)
    }
    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        self.count();
        // A transaction costs two units per unit written; an update's result is not seen
        // here, so it counts as one item of up to 1 KB.
        let units: f64 = ops
            .iter()
            .map(|op| match op {
                WriteOp::Put { item, .. } => 2.0 * write_units(size(item)),
                WriteOp::Update { .. } | WriteOp::Delete { .. } => 2.0,
            })
            .sum();
        self.wrote(units);
        self.inner.transact(ops).await
    }
}

/// Wraps a model; every call counts the tokens a provider would be sent (the prompt as the
/// provider chain builds it) and would return (the reply as JSON).
pub struct TokenCountingLlm {
    inner: Arc<dyn Llm>,
    calls: AtomicUsize,
    input_tokens: AtomicUsize,
    output_tokens: AtomicUsize,
}

impl TokenCountingLlm {
    pub fn new(inner: Arc<dyn Llm>) -> Self {
        Self {
            inner,
            calls: AtomicUsize::new(0),
            input_tokens: AtomicUsize::new(0),
            output_tokens: AtomicUsize::new(0),
        }
    }

    /// Model calls, input tokens and output tokens so far.
    pub fn totals(&self) -> (usize, usize, usize) {
        (
            self.calls.load(Ordering::SeqCst),
            self.input_tokens.load(Ordering::SeqCst),
            self.output_tokens.load(Ordering::SeqCst),
        )
    }

    fn count(&self, prompt: &str, reply: serde_json::Result<String>) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.input_tokens
            .fetch_add(estimated_tokens(prompt), Ordering::SeqCst);
        self.output_tokens.fetch_add(
            estimated_tokens(&reply.unwrap_or_default()),
            Ordering::SeqCst,
        );
    }
}

#[async_trait]
impl Llm for TokenCountingLlm {
    async fn personal_questions(
        &self,
        request: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError> {
        let questions = self.inner.personal_questions(request).await?;
        // The provider's reply wraps the list: {"questions": [...]}.
        let reply = serde_json::to_string(&serde_json::json!({ "questions": &questions }));
        self.count(&personal_questions_prompt(request), reply);
        Ok(questions)
    }

    async fn evaluate(&self, request: &EvaluationRequest) -> Result<Evaluation, LlmError> {
        let evaluation = self.inner.evaluate(request).await?;
        self.count(
            &evaluation_prompt(request),
            serde_json::to_string(&evaluation),
        );
        Ok(evaluation)
    }

    async fn follow_up(&self, request: &FollowUpRequest) -> Result<FollowUp, LlmError> {
        let follow_up = self.inner.follow_up(request).await?;
        self.count(
            &follow_up_prompt(request),
            serde_json::to_string(&follow_up),
        );
        Ok(follow_up)
    }
}
