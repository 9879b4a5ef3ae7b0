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

use crate::domain::account::AccountError;
use crate::domain::cv::CvError;
use crate::domain::interview::InterviewError;
use crate::domain::job::JobError;
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

/// Every item of a user's partition under a prefix, decoded, newest first (ids sort by time).
pub(crate) async fn newest_first<T: serde::de::DeserializeOwned>(
    store: &dyn ItemStore,
    user_id: &str,
    prefix: &str,
) -> Result<Vec<T>, StoreError> {
    let query = crate::ports::Query {
        descending: true,
        ..crate::ports::Query::prefix(layout::user_partition(user_id), prefix)
    };
    crate::ports::item_store::query_every_page(store, query)
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

port_failures_are_unexpected!(AccountError, CvError, InterviewError, JobError);
