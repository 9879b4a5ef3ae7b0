//! The ports: what the use cases need from the outside world, as traits.

pub mod blob_store;
pub mod clock;
pub mod item_store;
pub mod job_queue;
pub mod llm;

pub use blob_store::{BlobError, BlobStore, PresignedPut};
pub use clock::{Clock, IdGenerator, SystemClock, UuidV7Ids, is_well_formed_id};
pub use item_store::{
    Attributes, Condition, Item, ItemKey, ItemStore, Page, Query, StoreError, Update, WriteOp,
};
pub use job_queue::{Delivery, JobQueue, QueueError, QueueSettings};
pub use llm::{Llm, LlmError};
