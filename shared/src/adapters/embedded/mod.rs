//! Embedded adapters for the local host: a SQLite file, a directory and an in-process queue.

pub mod directory;
pub mod memory_queue;
pub mod sqlite;

pub use directory::DirectoryBlobStore;
pub use memory_queue::InProcessJobQueue;
pub use sqlite::SqliteItemStore;
