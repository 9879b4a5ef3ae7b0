//! The storage layout and one repository per aggregate (accounts, CVs, interviews with their
//! answers, job runs, pending work, the bank). Repositories own every read and write of their items; the
//! use cases above them never spell a key.

pub mod accounts;
pub mod bank;
pub mod cvs;
pub mod interviews;
pub mod job_runs;
pub mod layout;
pub mod pending_work;
pub mod postings;

use crate::domain::account::AccountError;
use crate::domain::cv::CvError;
use crate::domain::interview::InterviewError;
use crate::domain::job::JobError;
use crate::domain::posting::PostingError;
use crate::ports::{BlobError, ItemStore, QueueError, StoreError, WriteOp};

/// A transaction whose writes carry labels, so a cancellation says which rule stopped it
/// rather than which position.
pub struct Transaction<L> {
    ops: Vec<WriteOp>,
    labels: Vec<L>,
}

/// Why a transaction did not apply.
#[derive(Debug)]
pub enum TransactionFailure<L> {
    /// The conditions of these writes did not hold; nothing changed.
    Conditions(Vec<L>),
    Store(StoreError),
}

impl<L: Copy> Transaction<L> {
    pub fn new() -> Self {
        Self {
            ops: Vec::new(),
            labels: Vec::new(),
        }
    }

    pub fn push(&mut self, label: L, op: WriteOp) {
        self.ops.push(op);
        self.labels.push(label);
    }

    pub async fn commit(self, store: &dyn ItemStore) -> Result<(), TransactionFailure<L>> {
        match store.transact(self.ops).await {
            Ok(()) => Ok(()),
            Err(StoreError::TransactionCancelled { failed }) => {
                Err(TransactionFailure::Conditions(
                    failed
                        .into_iter()
                        .filter_map(|i| self.labels.get(i).copied())
                        .collect(),
                ))
            }
            Err(other) => Err(TransactionFailure::Store(other)),
        }
    }
}

impl<L: Copy> Default for Transaction<L> {
    fn default() -> Self {
        Self::new()
    }
}

/// The writes of a new record that takes one of the user's counted slots.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum SlotWrite {
    Slot,
    Record,
    Text,
    /// What else the new record needs written with it (its pending-work marker).
    Also,
}

/// Writes a new record (its text, if any, and `also`) while taking one of the user's slots,
/// counted in `counter` on the profile and bounded by `limit`, in one transaction.
/// `Ok(false)` when every slot is taken, and nothing is written.
pub(crate) async fn insert_in_slot(
    store: &dyn ItemStore,
    user_id: &str,
    (counter, limit): (&str, i64),
    record: crate::ports::Item,
    text: Option<crate::ports::Item>,
    also: Option<WriteOp>,
) -> Result<bool, TransactionFailure<SlotWrite>> {
    use crate::ports::{Condition, Update};
    let mut transaction = Transaction::new();
    transaction.push(
        SlotWrite::Slot,
        WriteOp::Update {
            key: layout::profile_key(user_id),
            updates: vec![Update::Add(counter.into(), 1)],
            condition: Some(Condition::LessThan(counter.into(), limit)),
        },
    );
    transaction.push(
        SlotWrite::Record,
        WriteOp::Put {
            item: record,
            condition: Some(Condition::Absent),
        },
    );
    if let Some(text) = text {
        transaction.push(
            SlotWrite::Text,
            WriteOp::Put {
                item: text,
                condition: None,
            },
        );
    }
    if let Some(also) = also {
        transaction.push(SlotWrite::Also, also);
    }
    match transaction.commit(store).await {
        Ok(()) => Ok(true),
        Err(TransactionFailure::Conditions(failed)) if failed.contains(&SlotWrite::Slot) => {
            Ok(false)
        }
        Err(other) => Err(other),
    }
}

/// Every item of a user's partition under a prefix, newest first (ids sort by time).
pub(crate) async fn newest_first_items(
    store: &dyn ItemStore,
    user_id: &str,
    prefix: &str,
) -> Result<Vec<crate::ports::Item>, StoreError> {
    let query = crate::ports::Query {
        descending: true,
        ..crate::ports::Query::prefix(layout::user_partition(user_id), prefix)
    };
    crate::ports::item_store::query_every_page(store, query).await
}

/// Every item of a user's partition under a prefix, decoded, newest first.
pub(crate) async fn newest_first<T: serde::de::DeserializeOwned>(
    store: &dyn ItemStore,
    user_id: &str,
    prefix: &str,
) -> Result<Vec<T>, StoreError> {
    newest_first_items(store, user_id, prefix)
        .await?
        .into_iter()
        .map(crate::ports::Item::decode)
        .collect()
}

/// A failure of a port is unexpected in every feature's terms: it becomes the feature's
/// `Unexpected`, its cause kept for the logs.
macro_rules! port_failures_are_unexpected {
    ($($feature:ty),+) => {
        $(
            impl From<StoreError> for $feature {
                fn from(error: StoreError) -> Self {
                    Self::Unexpected(error.into())
                }
            }
            impl From<BlobError> for $feature {
                fn from(error: BlobError) -> Self {
                    Self::Unexpected(error.into())
                }
            }
            impl From<QueueError> for $feature {
                fn from(error: QueueError) -> Self {
                    Self::Unexpected(error.into())
                }
            }
            impl<L: std::fmt::Debug + Send + Sync + 'static> From<TransactionFailure<L>> for $feature {
                fn from(failure: TransactionFailure<L>) -> Self {
                    match failure {
                        TransactionFailure::Store(error) => error.into(),
                        TransactionFailure::Conditions(labels) => Self::Unexpected(anyhow::anyhow!(
                            "a transaction's conditions failed: {labels:?}"
                        )),
                    }
                }
            }
        )+
    };
}

port_failures_are_unexpected!(
    AccountError,
    CvError,
    InterviewError,
    JobError,
    PostingError
);
