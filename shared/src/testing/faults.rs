//! Fault injection: decorators over the four ports (item store, blob store, job queue, LLM)
//! that make chosen calls fail, so tests on either adapter family (and the local host, for a
//! soak) can show that every piece of work still reaches a final state.
//!
//! A [`Faults`] plan is shared by the decorators of one set of services. It counts the calls
//! of each operation since it was armed, keeps their order (the steps of a flow), and
//! injects at most what it was told: one fault at the Nth call of an operation, or faults at
//! random at a rate on chosen ports.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::Services;
use crate::domain::evaluation::{
    Evaluation, EvaluationRequest, PersonalQuestion, PersonalQuestionsRequest,
};
use crate::domain::follow_up::{FollowUp, FollowUpRequest};
use crate::ports::Condition;
use crate::ports::{
    BlobError, BlobStore, Delivery, Item, ItemKey, ItemStore, JobQueue, Llm, LlmError, Page,
    PresignedPut, Query, QueueError, StoreError, Update, WriteOp,
};

/// The ports a fault can hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Port {
    Store,
    Blobs,
    Queue,
    Llm,
}

/// One operation of a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    StoreGet,
    StorePut,
    StoreUpdate,
    StoreDelete,
    StoreQuery,
    StoreTransact,
    BlobPut,
    BlobGet,
    BlobDelete,
    BlobDeletePrefix,
    BlobPresign,
    QueueSend,
    QueueReceive,
    QueueDelete,
    QueueDeadLetters,
    LlmPersonalQuestions,
    LlmEvaluate,
    LlmFollowUp,
}

impl Op {
    pub fn port(self) -> Port {
        match self {
            Self::StoreGet
            | Self::StorePut
            | Self::StoreUpdate
            | Self::StoreDelete
            | Self::StoreQuery
            | Self::StoreTransact => Port::Store,
            Self::BlobPut
            | Self::BlobGet
            | Self::BlobDelete
            | Self::BlobDeletePrefix
            | Self::BlobPresign => Port::Blobs,
            Self::QueueSend | Self::QueueReceive | Self::QueueDelete | Self::QueueDeadLetters => {
                Port::Queue
            }
            Self::LlmPersonalQuestions | Self::LlmEvaluate | Self::LlmFollowUp => Port::Llm,
        }
    }
}

/// What an injected fault does to the call it hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The call fails at once and does nothing (a throttled table, a refused send).
    Fail,
    /// The call hangs for the plan's timeout, then fails having done nothing.
    Timeout,
    /// The call does its work, then the caller is told it failed (the response was lost,
    /// or the process died right after).
    FailAfterSuccess,
}

impl Fault {
    /// Every kind, in the order the tests walk them.
    pub const ALL: [Self; 3] = [Self::Fail, Self::Timeout, Self::FailAfterSuccess];
}

/// A call of a flow: the operation and its ordinal among the calls of that operation
/// (1 for the first) since the plan was armed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Step {
    pub op: Op,
    pub nth: u32,
}

struct RandomFaults {
    rate: f64,
    ports: Vec<Port>,
    rng: StdRng,
}

#[derive(Default)]
struct Plan {
    counts: HashMap<Op, u32>,
    trace: Vec<Step>,
    planned: Option<(Step, Fault)>,
    random: Option<RandomFaults>,
    injected: Vec<(Step, Fault)>,
}

/// The fault plan the decorators of one set of services share.
pub struct Faults {
    plan: Mutex<Plan>,
    timeout: Duration,
    model_calls: AtomicU64,
}

impl Faults {
    /// A plan that injects nothing until armed; a timed-out call hangs for `timeout`.
    pub fn new(timeout: Duration) -> Arc<Self> {
        Arc::new(Self {
            plan: Mutex::default(),
            timeout,
            model_calls: AtomicU64::new(0),
        })
    }

    fn plan(&self) -> MutexGuard<'_, Plan> {
        // A test that panicked while holding the lock has failed already; keep going.
        self.plan
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts counting afresh and injects `fault` at `step`, once.
    pub fn arm(&self, step: Step, fault: Fault) {
        let mut plan = self.plan();
        *plan = Plan {
            planned: Some((step, fault)),
            ..Plan::default()
        };
    }

    /// Starts counting afresh with nothing to inject: the trace then lists a flow's steps.
    pub fn record(&self) {
        *self.plan() = Plan::default();
    }

    /// Injects a fault, of a kind chosen at random, into each call to one of `ports` with
    /// probability `rate`, from a seeded generator.
    pub fn at_random(&self, rate: f64, ports: &[Port], seed: u64) {
        let mut plan = self.plan();
        *plan = Plan {
            random: Some(RandomFaults {
                rate,
                ports: ports.to_vec(),
                rng: StdRng::seed_from_u64(seed),
            }),
            ..Plan::default()
        };
    }

    /// The calls made since the plan was armed, in order.
    pub fn trace(&self) -> Vec<Step> {
        self.plan().trace.clone()
    }

    /// The faults injected since the plan was armed.
    pub fn injected(&self) -> Vec<(Step, Fault)> {
        self.plan().injected.clone()
    }

    /// How many calls reached the model behind the decorator, ever.
    pub fn model_calls(&self) -> u64 {
        self.model_calls.load(Ordering::SeqCst)
    }

    /// Counts the call and says which fault, if any, it meets.
    fn decide(&self, op: Op) -> Option<Fault> {
        let mut guard = self.plan();
        let plan = &mut *guard;
        let count = plan.counts.entry(op).or_insert(0);
        *count += 1;
        let step = Step { op, nth: *count };
        plan.trace.push(step);
        let fault = match (&plan.planned, &mut plan.random) {
            (Some((at, fault)), _) if *at == step => Some(*fault),
            (_, Some(random)) if random.ports.contains(&op.port()) => {
                if random.rng.random_bool(random.rate) {
                    Some(Fault::ALL[random.rng.random_range(0..Fault::ALL.len())])
                } else {
                    None
                }
            }
            _ => None,
        };
        if let Some(fault) = fault {
            plan.injected.push((step, fault));
        }
        fault
    }

    /// Runs `call` as the fault for `op` dictates; `fail` makes the port's error.
    async fn run<T, E>(
        &self,
        op: Op,
        call: impl Future<Output = Result<T, E>>,
        fail: impl FnOnce(String) -> E,
    ) -> Result<T, E> {
        match self.decide(op) {
            None => call.await,
            Some(Fault::Fail) => Err(fail(format!("injected failure of {op:?}"))),
            Some(Fault::Timeout) => {
                tokio::time::sleep(self.timeout).await;
                Err(fail(format!("injected timeout of {op:?}")))
            }
            Some(Fault::FailAfterSuccess) => {
                let _ = call.await;
                Err(fail(format!("injected lost response of {op:?}")))
            }
        }
    }

    /// The services with every port behind a decorator of this plan.
    pub fn wrap(self: &Arc<Self>, services: &Services) -> Services {
        Services {
            store: Arc::new(FaultyStore {
                inner: Arc::clone(&services.store),
                faults: Arc::clone(self),
            }),
            blobs: Arc::new(FaultyBlobs {
                inner: Arc::clone(&services.blobs),
                faults: Arc::clone(self),
            }),
            queue: self.wrap_queue(Arc::clone(&services.queue)),
            llm: Arc::new(FaultyLlm {
                inner: Arc::clone(&services.llm),
                faults: Arc::clone(self),
            }),
            ..services.clone()
        }
    }

    /// A queue behind a decorator of this plan (for a host that drains a queue it holds
    /// apart from its services).
    pub fn wrap_queue(self: &Arc<Self>, queue: Arc<dyn JobQueue>) -> Arc<dyn JobQueue> {
        Arc::new(FaultyQueue {
            inner: queue,
            faults: Arc::clone(self),
        })
    }
}

fn store_error(message: String) -> StoreError {
    StoreError::backend(anyhow::anyhow!(message))
}

fn blob_error(message: String) -> BlobError {
    BlobError::backend(anyhow::anyhow!(message))
}

fn queue_error(message: String) -> QueueError {
    QueueError::backend(anyhow::anyhow!(message))
}

struct FaultyStore {
    inner: Arc<dyn ItemStore>,
    faults: Arc<Faults>,
}

#[async_trait]
impl ItemStore for FaultyStore {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        let call = self.inner.get(key);
        self.faults.run(Op::StoreGet, call, store_error).await
    }

    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        let call = self.inner.put(item, condition);
        self.faults.run(Op::StorePut, call, store_error).await
    }

    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError> {
        let call = self.inner.update(key, updates, condition);
        self.faults.run(Op::StoreUpdate, call, store_error).await
    }

    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError> {
        let call = self.inner.delete(key, condition);
        self.faults.run(Op::StoreDelete, call, store_error).await
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        let call = self.inner.query(query);
        self.faults.run(Op::StoreQuery, call, store_error).await
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        let call = self.inner.transact(ops);
        self.faults.run(Op::StoreTransact, call, store_error).await
    }
}

struct FaultyBlobs {
    inner: Arc<dyn BlobStore>,
    faults: Arc<Faults>,
}

#[async_trait]
impl BlobStore for FaultyBlobs {
    async fn put(&self, key: &str, body: Bytes, content_type: &str) -> Result<(), BlobError> {
        let call = self.inner.put(key, body, content_type);
        self.faults.run(Op::BlobPut, call, blob_error).await
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, BlobError> {
        let call = self.inner.get(key);
        self.faults.run(Op::BlobGet, call, blob_error).await
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        let call = self.inner.delete(key);
        self.faults.run(Op::BlobDelete, call, blob_error).await
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<usize, BlobError> {
        let call = self.inner.delete_prefix(prefix);
        self.faults
            .run(Op::BlobDeletePrefix, call, blob_error)
            .await
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        content_length: u64,
        expires_in: Duration,
    ) -> Result<PresignedPut, BlobError> {
        let call = self
            .inner
            .presign_put(key, content_type, content_length, expires_in);
        self.faults.run(Op::BlobPresign, call, blob_error).await
    }
}

struct FaultyQueue {
    inner: Arc<dyn JobQueue>,
    faults: Arc<Faults>,
}

#[async_trait]
impl JobQueue for FaultyQueue {
    async fn send_raw(&self, body: String) -> Result<String, QueueError> {
        let call = self.inner.send_raw(body);
        self.faults.run(Op::QueueSend, call, queue_error).await
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>, QueueError> {
        let call = self.inner.receive(max, wait);
        self.faults.run(Op::QueueReceive, call, queue_error).await
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        let call = self.inner.delete(receipt);
        self.faults.run(Op::QueueDelete, call, queue_error).await
    }

    async fn receive_dead_letters(&self, max: usize) -> Result<Vec<Delivery>, QueueError> {
        let call = self.inner.receive_dead_letters(max);
        self.faults
            .run(Op::QueueDeadLetters, call, queue_error)
            .await
    }

    fn max_receives(&self) -> u32 {
        self.inner.max_receives()
    }
}

struct FaultyLlm {
    inner: Arc<dyn Llm>,
    faults: Arc<Faults>,
}

impl FaultyLlm {
    async fn counted<T>(&self, call: impl Future<Output = T>) -> T {
        self.faults.model_calls.fetch_add(1, Ordering::SeqCst);
        call.await
    }
}

#[async_trait]
impl Llm for FaultyLlm {
    async fn personal_questions(
        &self,
        request: &PersonalQuestionsRequest,
    ) -> Result<Vec<PersonalQuestion>, LlmError> {
        let call = self.counted(self.inner.personal_questions(request));
        self.faults
            .run(Op::LlmPersonalQuestions, call, LlmError::Unavailable)
            .await
    }

    async fn evaluate(&self, request: &EvaluationRequest) -> Result<Evaluation, LlmError> {
        let call = self.counted(self.inner.evaluate(request));
        self.faults
            .run(Op::LlmEvaluate, call, LlmError::Unavailable)
            .await
    }

    async fn follow_up(&self, request: &FollowUpRequest) -> Result<FollowUp, LlmError> {
        let call = self.counted(self.inner.follow_up(request));
        self.faults
            .run(Op::LlmFollowUp, call, LlmError::Unavailable)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planned_fault_hits_exactly_its_step() {
        let faults = Faults::new(Duration::ZERO);
        let step = Step {
            op: Op::StoreGet,
            nth: 2,
        };
        faults.arm(step, Fault::Fail);
        assert_eq!(faults.decide(Op::StoreGet), None);
        assert_eq!(faults.decide(Op::StorePut), None);
        assert_eq!(faults.decide(Op::StoreGet), Some(Fault::Fail));
        assert_eq!(faults.decide(Op::StoreGet), None);
        assert_eq!(faults.injected(), [(step, Fault::Fail)]);
        assert_eq!(faults.trace().len(), 4);
    }

    #[test]
    fn random_faults_hit_only_their_ports_at_about_their_rate() {
        let faults = Faults::new(Duration::ZERO);
        faults.at_random(0.05, &[Port::Store], 7);
        let hits = (0..10_000)
            .filter(|_| faults.decide(Op::StorePut).is_some())
            .count();
        assert!((350..650).contains(&hits), "{hits}");
        assert!((0..1_000).all(|_| faults.decide(Op::QueueSend).is_none()));
    }
}
